import { describe, expect, it } from "vitest";
import {
  findNameClash,
  NAME_LIMITS,
  nameKey,
  nameProblem,
  nameSchema,
  nameTakenMessage,
} from "@/lib/validation/names";

describe("names", () => {
  it("refuses an empty name and an over-long one with the one wording", () => {
    expect(nameProblem("filter", "   ")).toBe("Name is required");
    expect(nameProblem("workspace", "x".repeat(81))).toBe("Name must be at most 80 characters");
    expect(nameProblem("source", "x".repeat(101))).toBe("Name must be at most 100 characters");
    expect(nameProblem("source", "x".repeat(100))).toBeNull();
    expect(nameSchema("destination").safeParse(undefined).error?.issues[0]?.message).toBe("Name is required");
    expect(nameSchema("destination").safeParse(42).error?.issues[0]?.message).toBe("Name must be text");
  });

  it("trims, and never cuts a name short", () => {
    expect(nameSchema("workspace").parse("  Acme  ")).toBe("Acme");
    // 80 characters plus spaces around them is fine; 81 is refused, not truncated.
    expect(nameSchema("workspace").parse(` ${"a".repeat(80)} `)).toHaveLength(80);
    expect(nameSchema("workspace").safeParse("a".repeat(500)).success).toBe(false);
  });

  it("has a limit for every kind", () => {
    for (const max of Object.values(NAME_LIMITS)) expect(max).toBeGreaterThan(0);
  });

  it("treats names that differ in case or spacing as the same", () => {
    expect(nameKey(" Drop  Orders ")).toBe(nameKey("drop orders"));
    expect(nameKey("Drop orders")).not.toBe(nameKey("Drop-orders"));
    const rows = [
      { id: "a", name: "Drop orders" },
      { id: "b", name: "Sample 10%" },
    ];
    expect(findNameClash(rows, "DROP ORDERS")?.id).toBe("a");
    // Renaming a filter to its own name (in another case) is not a clash with itself.
    expect(findNameClash(rows, "drop Orders", "a")).toBeUndefined();
    expect(findNameClash(rows, "Drop orders 2")).toBeUndefined();
  });

  it("names the clash", () => {
    expect(nameTakenMessage("filter", "Drop orders", "on this destination")).toBe(
      'A filter named "Drop orders" already exists on this destination',
    );
    expect(nameTakenMessage("trackingPlan", "Web")).toBe('A tracking plan named "Web" already exists');
  });
});
