import { describe, expect, it } from "vitest";
import { formatValue, summarizeChange } from "@/components/audit/summarize";

describe("audit change summary", () => {
  it("lists only changed keys as before → after", () => {
    expect(
      summarizeChange({ role: "read_only", labels: ["dev"] }, { role: "source_admin", labels: ["dev"] }),
    ).toEqual([{ key: "role", before: "read_only", after: "source_admin" }]);
  });

  it("shows a null label scope as every label", () => {
    expect(summarizeChange({ labels: ["dev", "prod"] }, { labels: null })).toEqual([
      { key: "labels", before: "dev, prod", after: "all labels" },
    ]);
  });

  it("keeps one side for creations and deletions", () => {
    expect(summarizeChange(undefined, { name: "Site", environment: "dev" })).toEqual([
      { key: "name", after: "Site" },
      { key: "environment", after: "dev" },
    ]);
    expect(summarizeChange({ role: "owner" }, null)).toEqual([{ key: "role", before: "owner" }]);
    expect(summarizeChange(null, null)).toEqual([]);
  });

  it("keeps long values short", () => {
    expect(formatValue("x", "a".repeat(200))).toHaveLength(60);
    expect(formatValue("settings", { a: 1 })).toBe('{"a":1}');
  });
});
