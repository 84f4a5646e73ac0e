import { describe, expect, it } from "vitest";
import { initials, logoKind, MAPPED_IDS, needsDarkTile } from "@/components/ui/logo";
import { DESTINATION_TYPES, SOURCE_TYPES } from "@/lib/catalog";
import { FUNCTION_DESTINATION_TYPE_ID } from "@/lib/catalog/destinations/function";

const catalogIds = [...SOURCE_TYPES, ...DESTINATION_TYPES]
  .map((t) => t.id)
  .concat(FUNCTION_DESTINATION_TYPE_ID);

describe("catalog logos", () => {
  it("maps only ids the catalog has (a typo would silently fall back to letters)", () => {
    for (const id of MAPPED_IDS) expect(catalogIds).toContain(id);
  });

  it("letters only the products simple-icons does not carry", () => {
    expect(catalogIds.filter((id) => logoKind(id) === "letters").sort()).toEqual([
      "amplitude",
      "braze",
      "customerio",
      "slack",
    ]);
    expect(logoKind("webhook")).toBe("generic");
    expect(logoKind("mixpanel")).toBe("brand");
  });

  it("takes the first letters of the first two words", () => {
    expect(initials("Slack")).toBe("S");
    expect(initials("Customer.io")).toBe("CI");
    expect(initials("google analytics 4")).toBe("GA");
    expect(initials("")).toBe("?");
  });

  it("puts pale brand colours on a dark tile", () => {
    expect(needsDarkTile("FFCC01")).toBe(true); // ClickHouse yellow
    expect(needsDarkTile("000000")).toBe(false);
    expect(needsDarkTile("4169E1")).toBe(false); // PostgreSQL blue
  });
});
