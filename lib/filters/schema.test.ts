import { describe, expect, it } from "vitest";
import { filterConfigFor, filterInput, filterOrder, filterUpdate } from "./schema";

const base = { name: "Drop tests", condition: 'type = "track"', action: "drop" };

function issues(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  if (result.success) throw new Error("expected failure");
  return result.error!.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

describe("filterInput", () => {
  it("accepts a drop filter, trims the name and defaults enabled", () => {
    expect(filterInput.parse({ ...base, name: "  Drop tests  " })).toEqual({
      name: "Drop tests",
      condition: 'type = "track"',
      action: "drop",
      config: {},
      enabled: true,
    });
  });

  it("accepts each action with its config", () => {
    expect(filterInput.parse({ ...base, action: "sample", config: { percent: 12.5 } }).config).toEqual({
      percent: 12.5,
    });
    expect(
      filterInput.parse({
        ...base,
        action: "allow_fields",
        config: { fields: ["properties.price", "properties.price"] },
      }).config,
    ).toEqual({ fields: ["properties.price"] });
    expect(
      filterInput.parse({
        ...base,
        action: "drop_fields",
        config: { fields: ["context.ip", "traits.$set.x-y", "properties.a_1.b$"] },
      }).config,
    ).toEqual({ fields: ["context.ip", "traits.$set.x-y", "properties.a_1.b$"] });
    expect(filterInput.parse({ ...base, config: null, enabled: false })).toMatchObject({
      config: {},
      enabled: false,
    });
  });

  it("rejects an invalid condition with the column in the message and the error in params", () => {
    const result = filterInput.safeParse({ ...base, condition: 'type = "track" and event =' });
    expect(issues(result)).toEqual([
      { path: "condition", message: 'Expected a value after "=" at column 27' },
    ]);
    const issue = result.error!.issues[0] as { params?: { fql?: unknown } };
    expect(issue.params?.fql).toMatchObject({ position: 26, column: 27, line: 1, length: 0 });
  });

  it("adds the column to messages that don't carry one", () => {
    expect(issues(filterInput.safeParse({ ...base, condition: "x = 1)" }))).toEqual([
      { path: "condition", message: 'Unexpected ")" at column 6' },
    ]);
    expect(issues(filterInput.safeParse({ ...base, condition: "matches(event, 'a')" }))).toEqual([
      { path: "condition", message: 'Unknown function "matches" (did you mean "match"?) at column 1' },
    ]);
    expect(issues(filterInput.safeParse({ ...base, condition: "" }))).toEqual([
      { path: "condition", message: "Condition is empty" },
    ]);
  });

  it("validates name length", () => {
    expect(issues(filterInput.safeParse({ ...base, name: "   " }))).toEqual([
      { path: "name", message: "Name is required" },
    ]);
    expect(issues(filterInput.safeParse({ ...base, name: "x".repeat(101) }))).toEqual([
      { path: "name", message: "Name must be at most 100 characters" },
    ]);
    expect(filterInput.safeParse({ ...base, name: "x".repeat(100) }).success).toBe(true);
  });

  it("rejects unknown actions", () => {
    expect(issues(filterInput.safeParse({ ...base, action: "delete" }))).toEqual([
      { path: "action", message: 'Action must be one of "drop", "sample", "allow_fields" or "drop_fields"' },
    ]);
  });

  it.each([
    [{ percent: 0 }, "config.percent", "Percent must be more than 0"],
    [{ percent: -5 }, "config.percent", "Percent must be more than 0"],
    [{ percent: 100.5 }, "config.percent", "Percent must be at most 100"],
    [{ percent: "10" }, "config.percent", "Percent must be a number"],
    [{ percent: Number.NaN }, "config.percent", "Percent must be a number"],
    [undefined, "config", 'Config must look like { percent: 10 } or { percent: 10, path: "userId" }'],
    [
      { percent: 10, path: "user id" },
      "config.path",
      'Fields are dotted paths of letters, digits, "_", "$" or "-", e.g. properties.price',
    ],
    [{ percent: 10, path: 5 }, "config.path", "Path must be a field path such as userId"],
  ])("rejects sample config %j", (config, path, message) => {
    expect(issues(filterInput.safeParse({ ...base, action: "sample", config }))).toEqual([{ path, message }]);
  });

  it("accepts the sample bounds just inside the range", () => {
    expect(filterInput.safeParse({ ...base, action: "sample", config: { percent: 100 } }).success).toBe(true);
    expect(filterInput.safeParse({ ...base, action: "sample", config: { percent: 0.01 } }).success).toBe(
      true,
    );
  });

  it.each([
    [{ fields: [] }, "config.fields", "List at least one field"],
    [{ fields: "properties.x" }, "config.fields", "Fields must be a list of field paths"],
    [{ fields: ["properties.product name"] }, "config.fields.0", "Fields are dotted paths"],
    [{ fields: ["properties..x"] }, "config.fields.0", "Fields are dotted paths"],
    [{ fields: ["-x"] }, "config.fields.0", "Fields are dotted paths"],
    [{ fields: ["properties."] }, "config.fields.0", "Fields are dotted paths"],
    [
      { fields: Array.from({ length: 101 }, (_, i) => `p.f${i}`) },
      "config.fields",
      "List at most 100 fields",
    ],
  ])("rejects allow_fields config %j", (config, path, message) => {
    const found = issues(filterInput.safeParse({ ...base, action: "allow_fields", config }));
    expect(found[0]!.path).toBe(path);
    expect(found[0]!.message).toContain(message);
  });

  it.each([
    "userId",
    "anonymousId",
    "event",
    "integrations",
    "receivedAt",
    "messageId",
    "properties",
    "integrations.All",
  ])(
    "refuses %s in drop_fields and allow_fields: only fields inside properties, traits or context (issue 15, item 2)",
    (field) => {
      for (const action of ["drop_fields", "allow_fields"]) {
        expect(
          issues(filterInput.safeParse({ ...base, action, config: { fields: ["properties.ok", field] } })),
        ).toEqual([
          {
            path: "config.fields.1",
            message: `"${field}" is not a field inside properties, traits or context, the only places field filters act (as in Segment); to stop the whole event use a drop filter`,
          },
        ]);
      }
    },
  );

  it("samples by a field when given a path (issue 15, item 3)", () => {
    expect(
      filterInput.parse({ ...base, action: "sample", config: { percent: 10, path: " userId " } }).config,
    ).toEqual({
      percent: 10,
      path: "userId",
    });
    for (const path of [null, "", undefined]) {
      expect(filterInput.parse({ ...base, action: "sample", config: { percent: 10, path } }).config).toEqual({
        percent: 10,
      });
    }
  });

  it("counts the 5 KB condition limit in UTF-8 bytes, not characters (issue 15, item 10)", () => {
    const condition = (chars: number, ch: string) => `event = "${ch.repeat(chars)}"`;
    // 2,000 three-byte characters: 6,010 bytes, though only 2,010 characters.
    expect(issues(filterInput.safeParse({ ...base, condition: condition(2000, "ア") }))).toEqual([
      { path: "condition", message: "Condition is 6010 bytes (UTF-8); the limit is 5 KB (5120 bytes)" },
    ]);
    expect(filterInput.safeParse({ ...base, condition: condition(5110, "a") }).success).toBe(true);
    expect(filterInput.safeParse({ ...base, condition: condition(5111, "a") }).success).toBe(false);
  });

  it("refuses an over-long match() pattern at save time, saying where", () => {
    expect(
      issues(filterInput.safeParse({ ...base, condition: `match(event, "${"a*".repeat(200)}")` })),
    ).toEqual([
      {
        path: "condition",
        message: "Pattern is 400 characters long; match() patterns are limited to 256 at column 14",
      },
    ]);
  });

  it("rejects non-boolean enabled", () => {
    expect(issues(filterInput.safeParse({ ...base, enabled: "yes" }))).toEqual([
      { path: "enabled", message: "Enabled must be true or false" },
    ]);
  });
});

describe("filterUpdate", () => {
  it("accepts partial updates", () => {
    expect(filterUpdate.parse({})).toEqual({});
    expect(filterUpdate.parse({ enabled: false })).toEqual({ enabled: false });
    expect(filterUpdate.parse({ name: " New " })).toEqual({ name: "New" });
  });

  it("validates the fields it is given", () => {
    expect(issues(filterUpdate.safeParse({ condition: "x =" }))).toEqual([
      { path: "condition", message: 'Expected a value after "=" at column 4' },
    ]);
    expect(issues(filterUpdate.safeParse({ name: "" }))[0]!.path).toBe("name");
  });

  it("checks config against an action sent alongside it", () => {
    expect(filterUpdate.parse({ action: "sample", config: { percent: 5 } })).toEqual({
      action: "sample",
      config: { percent: 5 },
    });
    expect(issues(filterUpdate.safeParse({ action: "sample", config: { fields: ["a"] } }))).toEqual([
      { path: "config.percent", message: "Percent must be a number" },
    ]);
  });

  it("exposes per-action config schemas for merging with the stored action", () => {
    expect(filterConfigFor.drop_fields.safeParse({ fields: ["context.ip"] }).success).toBe(true);
    expect(filterConfigFor.sample.safeParse({ percent: 101 }).success).toBe(false);
  });
});

describe("filterOrder", () => {
  it("accepts distinct ids", () => {
    expect(filterOrder.parse({ ids: ["a", "b"] })).toEqual({ ids: ["a", "b"] });
  });

  it("rejects duplicates and non-strings", () => {
    expect(issues(filterOrder.safeParse({ ids: ["a", "a"] }))).toEqual([
      { path: "ids", message: "Each filter may appear only once" },
    ]);
    expect(filterOrder.safeParse({ ids: [1] }).success).toBe(false);
    expect(filterOrder.safeParse({}).success).toBe(false);
  });
});
