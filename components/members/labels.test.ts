import { describe, expect, it } from "vitest";
import { labelsError, parseLabelList } from "@/components/members/labels";

describe("label helpers", () => {
  it("parses a comma-separated list", () => {
    expect(parseLabelList(" dev, QA ,,dev ")).toEqual(["dev", "qa"]);
    expect(parseLabelList("")).toEqual([]);
  });

  it("finds the labels error at any index", () => {
    expect(labelsError({ fields: [{ path: "labels.2", message: "bad" }] })).toBe("bad");
    expect(labelsError({ fields: [{ path: "role", message: "x" }] })).toBeUndefined();
    expect(labelsError(null)).toBeUndefined();
  });
});
