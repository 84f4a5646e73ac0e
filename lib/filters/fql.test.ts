import { describe, expect, it } from "vitest";
import { compileFql, describeFqlError, type FqlError, FqlSyntaxError, parseFql } from "./fql";

const message = {
  type: "track",
  event: "Checkout Started",
  userId: "u_1",
  messageId: "m_1",
  context: { library: { name: "analytics.js", version: "1.0" }, ip: "10.0.0.1" },
  properties: {
    total: 150,
    price: "19.99",
    currency: "USD",
    coupon: null,
    enabled: true,
    items: [{ sku: "a" }, { sku: "b" }, { sku: "c" }],
    features: ["discounts", "dark-mode"],
    "product 1": { price: 5 },
    "a.b": 1,
  },
  traits: { email: "Ada@Example.com" },
};

const _run = (src: string, msg: Record<string, unknown> = message) => compileFql(src)(msg);

function errorOf(src: string): FqlError {
  const parsed = parseFql(src);
  if (parsed.ok) throw new Error(`expected ${src} to fail`);
  return parsed.error;
}

describe("parseFql: valid conditions", () => {
  it.each([
    'type = "track"',
    'type = "track" and event = "Order Completed" and properties.total > 100',
    'match(event, "Checkout*")',
    '!(context.library.name = "analytics.js")',
    "properties.enabled",
    "true",
    'type in ["track", "page"]',
    "'dark-mode' in properties.features",
    "length(properties.items) > 2",
    'lowercase(traits.email) = "ada@example.com"',
    'typeof(properties.total) = "number"',
    "properties.product\\ 1.price = 5",
    "x = -1.5e3",
    '\n  type = "track"\n  and event = "x"\n',
  ])("accepts %s", (src) => {
    expect(parseFql(src).ok).toBe(true);
  });

  it("builds an AST with source offsets", () => {
    const parsed = parseFql('type = "track"');
    expect(parsed).toEqual({
      ok: true,
      ast: {
        kind: "compare",
        op: "=",
        left: { kind: "path", path: ["type"], start: 0, end: 4 },
        right: { kind: "literal", value: "track", start: 7, end: 14 },
        start: 0,
        end: 14,
      },
    });
  });
});

describe("parseFql: errors", () => {
  it("reports an empty condition", () => {
    expect(errorOf("")).toEqual({
      message: "Condition is empty",
      position: 0,
      line: 1,
      column: 1,
      length: 0,
    });
    expect(errorOf("   \n ").message).toBe("Condition is empty");
  });

  it("points at the missing value after an operator", () => {
    expect(errorOf('event = "A" and type =')).toEqual({
      message: 'Expected a value after "=" at column 23',
      position: 22,
      line: 1,
      column: 23,
      length: 0,
    });
    expect(errorOf('properties.total > and type = "x"')).toMatchObject({
      message: 'Expected a value after ">" at column 20',
      position: 19,
      length: 3,
    });
  });

  it("suggests the closest function name", () => {
    expect(errorOf('matches(event, "x*")')).toEqual({
      message: 'Unknown function "matches" (did you mean "match"?)',
      position: 0,
      line: 1,
      column: 1,
      length: 7,
    });
    expect(errorOf('type = "x" and Contains(event, "y")').message).toBe(
      'Unknown function "Contains" (did you mean "contains"?)',
    );
    expect(errorOf("frobnicate(event)").message).toBe('Unknown function "frobnicate"');
    expect(errorOf("toString(event)").message).toBe('Unknown function "toString"');
  });

  it("reports unclosed strings from the opening quote", () => {
    expect(errorOf('event = "Order')).toEqual({
      message: "Unclosed string starting at column 9",
      position: 8,
      line: 1,
      column: 9,
      length: 6,
    });
    expect(errorOf("event = 'a\\'").message).toBe("Unclosed string starting at column 9");
  });

  it("reports stray and missing parentheses", () => {
    expect(errorOf('type = "track")')).toEqual({
      message: 'Unexpected ")"',
      position: 14,
      line: 1,
      column: 15,
      length: 1,
    });
    expect(errorOf(")")).toMatchObject({ message: 'Unexpected ")"', position: 0 });
    expect(errorOf('x = 1 and (type = "track"')).toMatchObject({
      message: 'Unclosed "(" at column 11',
      position: 10,
    });
    expect(errorOf("(x = 1 y = 2)")).toMatchObject({
      message: 'Unexpected "y" at column 8 (missing "and" or "or"?)',
    });
  });

  it("uses line and column once the condition spans lines", () => {
    expect(errorOf('type = "track"\nand event =')).toEqual({
      message: 'Expected a value after "=" at line 2, column 12',
      position: 26,
      line: 2,
      column: 12,
      length: 0,
    });
  });

  it.each([
    ['type = "a" event = "b"', 'Unexpected "event" at column 12 (missing "and" or "or"?)', 11],
    ['type = "a" AND event = "b"', 'Use lowercase "and" instead of "AND" at column 12', 11],
    ['not type = "a"', 'Use "!" instead of "not" at column 1', 0],
    ["x == 1", 'Use "=" instead of "==" at column 3', 2],
    ["x = 1 && y = 2", 'Use "and" instead of "&&" at column 7', 6],
    ["x = 1 || y = 2", 'Use "or" instead of "||" at column 7', 6],
    ["x = 1 = 2", 'Unexpected "=" at column 7: comparisons can\'t be chained, join them with "and"', 6],
    ["x = 1 and", 'Expected a condition after "and" at column 10', 9],
    ["x = 1 or or y", 'Expected a condition after "or" at column 10', 9],
    ["!", 'Expected a condition after "!" at column 2', 1],
    ["x = @", 'Unexpected character "@" at column 5', 4],
    ["x = 10px", 'Invalid number "10px" at column 5', 4],
    ["properties. = 1", 'Expected a field name after "." at column 12', 11],
    [
      '"Order Completed"',
      'A value on its own is not a condition; compare a field with it, e.g. event = "Signed Up"',
      0,
    ],
    [
      "length(properties.items)",
      "length() gives a number, not true/false; compare it, e.g. length(field) > 0",
      0,
    ],
    ["match(event)", 'match() takes 2 arguments, e.g. match(field, "pattern*")', 0],
    ["lowercase(a, b) = 1", 'lowercase() takes 1 argument, e.g. lowercase(field) = "text"', 0],
    ['match(event, "[abc")', 'Unclosed "[" in pattern at column 14', 13],
    ['match(event, "[z-a]")', 'Invalid range "z-a" in pattern at column 14', 13],
    ["match(event, 5)", "The pattern for match() must be a string", 13],
    [
      `match(event, "${"*a".repeat(129)}")`,
      "Pattern is 258 characters long; match() patterns are limited to 256 at column 14",
      13,
    ],
    [
      'match(event, "ab\\\\")',
      'Pattern ends with a lone "\\" (write "\\\\" for a literal backslash) at column 14',
      13,
    ],
    ['contains(event "x")', 'Expected "," or ")" at column 16', 15],
    ["contains(event,", 'Expected a value after "," at column 16', 15],
    ["x in [1, 2", 'Missing "]" to close "[" opened at column 6', 10],
  ])("%s → %s", (src, msg, position) => {
    const error = errorOf(src);
    expect(error.message).toBe(msg);
    expect(error.position).toBe(position);
    expect(error.column).toBe(position + 1);
  });

  it("limits nesting instead of overflowing the stack", () => {
    expect(errorOf(`${"(".repeat(5000)}x${")".repeat(5000)}`)).toMatchObject({
      message: "Too deeply nested (more than 64 levels) at column 65",
      position: 64,
    });
    expect(errorOf(`${"!".repeat(100)}x`).message).toBe(
      "Too deeply nested (more than 64 levels) at column 65",
    );
    expect(parseFql(`${"(".repeat(64)}x${")".repeat(64)}`).ok).toBe(true);
    expect(parseFql(Array.from({ length: 2000 }, (_, i) => `p.f${i} = ${i}`).join(" and ")).ok).toBe(true);
  });

  it("describeFqlError adds the location only when the message lacks it", () => {
    expect(describeFqlError(errorOf('type = "track")'))).toBe('Unexpected ")" at column 15');
    expect(describeFqlError(errorOf("x = @"))).toBe('Unexpected character "@" at column 5');
    expect(describeFqlError(errorOf(""))).toBe("Condition is empty");
    expect(describeFqlError(errorOf("x = 1 and\n  zz(y)"))).toBe('Unknown function "zz" at line 2, column 3');
  });

  it("compileFql throws FqlSyntaxError carrying the error", () => {
    try {
      compileFql("x =");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FqlSyntaxError);
      expect((e as FqlSyntaxError).error).toMatchObject({
        message: 'Expected a value after "=" at column 4',
      });
    }
  });
});
