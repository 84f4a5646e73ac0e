import { describe, expect, it } from "vitest";
import {
  caretLine,
  checkCondition,
  configFor,
  describeAction,
  hasErrors,
  serverFilterErrors,
  validateFilterForm,
} from "./filter-actions";

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
    expect(caretLine(problem.column!, problem.length)).toBe(`${" ".repeat(26)}^`);
    const multi = checkCondition('type = "track"\nand x == 1')!;
    expect(multi).toMatchObject({ line: 2, lineText: "and x == 1" });
    expect(caretLine(3, 4)).toBe("  ^~~~");
  });

  it("asks for a condition instead of pointing at nothing", () => {
    const empty = checkCondition("  \n ");
    expect(empty?.message).toBe("Enter a condition");
    expect(empty?.column).toBeUndefined();
  });

  it("reports every problem of the form at once, each under its field", () => {
    const errors = validateFilterForm({
      name: " ",
      condition: "",
      action: "drop_fields",
      percent: "",
      samplePath: "",
      fields: "properties.email\nproperties..x\ncontext.ip, userId",
    });
    expect(errors.name).toBe("Name is required");
    expect(errors.condition?.message).toBe("Enter a condition");
    expect(errors.fields).toHaveLength(2);
    expect(errors.fields?.[0]).toMatch(/^Line 2: Fields are dotted paths/);
    expect(errors.fields?.[1]).toMatch(/^Line 3: "userId" is not a field inside properties/);
    const sampleValues = {
      name: "Sample",
      condition: 'type = "track"\nand event ==',
      action: "sample" as const,
      percent: "0",
      samplePath: "a b",
      fields: "",
    };
    const sample = validateFilterForm(sampleValues);
    expect(sample.name).toBeUndefined();
    expect(sample.condition?.message).toMatch(/line 2, column \d+/);
    expect(sample.percent).toBe("Percent must be more than 0");
    expect(sample.samplePath).toMatch(/dotted paths/);
    expect(
      hasErrors(validateFilterForm({ ...sampleValues, condition: "x = 1", percent: "5", samplePath: "" })),
    ).toBe(false);
  });

  it("places the API's errors on the same fields", () => {
    const values = {
      name: "A",
      condition: "x = 1",
      action: "allow_fields" as const,
      percent: "",
      samplePath: "",
      fields: "a\n\nproperties.b, c",
    };
    expect(
      serverFilterErrors(
        [
          { path: "name", message: 'A filter named "A" already exists on this destination' },
          { path: "config.fields.2", message: "bad" },
        ],
        values,
      ),
    ).toEqual({ name: 'A filter named "A" already exists on this destination', fields: ["Line 3: bad"] });
  });
});
