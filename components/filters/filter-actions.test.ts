import { describe, expect, it } from "vitest";
import { caretLine, checkCondition, configFor, describeAction } from "./filter-actions";

describe("filter form helpers", () => {
  it("describes each action", () => {
    expect(describeAction("drop", {})).toBe("Drops matching events");
    expect(describeAction("sample", { percent: 10 })).toBe("Keeps 10% of matching events");
    expect(describeAction("drop_fields", { fields: ["a", "b.c"] })).toBe("Removes a, b.c");
    expect(describeAction("sample", { percent: 10, path: "userId" })).toBe(
      "Keeps 10% of matching events, all or none per userId",
    );
    expect(describeAction("allow_fields", { fields: ["x"] })).toBe("Keeps only x in the objects they name");
    expect(describeAction("teleport", {})).toMatch(/Unknown action/);
  });

  it("builds configs from the form's text", () => {
    expect(configFor("sample", "12.5", "")).toEqual({ percent: 12.5 });
    expect(configFor("sample", "10", "", " userId ")).toEqual({ percent: 10, path: "userId" });
    expect(Number.isNaN(configFor("sample", " ", "").percent)).toBe(true);
    expect(configFor("drop_fields", "", "properties.email\n  context.ip ,traits.x\n")).toEqual({
      fields: ["properties.email", "context.ip", "traits.x"],
    });
    expect(configFor("drop", "5", "a")).toEqual({});
  });

  it("points at the problem in a condition", () => {
    expect(checkCondition('type = "track"')).toBeNull();
    const problem = checkCondition('type = "track" and event =')!;
    expect(problem).toMatchObject({ line: 1, column: 27, length: 0 });
    expect(problem.message).toBe('Expected a value after "=" at column 27');
    expect(caretLine(problem.column, problem.length)).toBe(`${" ".repeat(26)}^`);
    const multi = checkCondition('type = "track"\nand x == 1')!;
    expect(multi).toMatchObject({ line: 2, lineText: "and x == 1" });
    expect(caretLine(3, 4)).toBe("  ^~~~");
  });
});
