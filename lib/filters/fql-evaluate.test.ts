import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileFql, evaluateFql, type FqlError, parseFql } from "./fql";

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

const run = (src: string, msg: Record<string, unknown> = message) => compileFql(src)(msg);

function _errorOf(src: string): FqlError {
  const parsed = parseFql(src);
  if (parsed.ok) throw new Error(`expected ${src} to fail`);
  return parsed.error;
}

describe("evaluation", () => {
  it.each([
    ['type = "track"', true],
    ['type = "identify"', false],
    ['type != "identify"', true],
    ['type = "identify" or type = "track"', true],
    ['match(context.library.version, "1.*")', true],
    ['match(context.library.version, "2.*")', false],
    ['type = "track" and (event = "Click" or match(event, "Checkout *"))', true],
    ['!contains(context.library.name, "js")', false],
    ['"dark-mode" in properties.features', true],
    ['"blink" in properties.features', false],
    ['type in ["track", "page"]', true],
    ['!(type in ["track", "page"])', false],
    ["properties.enabled", true],
    ["properties.currency", false],
    ["properties.missing", false],
    ["true", true],
    ["false", false],
    ["!false", true],
  ])("%s → %s", (src, expected) => {
    expect(run(src)).toBe(expected);
  });

  it("gives ! precedence over and, and over or", () => {
    // or binds loosest: true or (false and false)
    expect(run('type = "track" or type = "x" and event = "y"')).toBe(true);
    expect(run('(type = "track" or type = "x") and event = "y"')).toBe(false);
    // ! applies to the nearest condition only
    expect(run('!type = "x" and event = "Checkout Started"')).toBe(true);
    expect(run('!(type = "track" and event = "x")')).toBe(true);
    expect(run('!type = "track" or event = "Checkout Started"')).toBe(true);
    expect(run("!!properties.enabled")).toBe(true);
  });

  it("treats a missing field as null", () => {
    expect(run('properties.nope = "x"')).toBe(false);
    expect(run('properties.nope != "x"')).toBe(true);
    expect(run("properties.nope = null")).toBe(true);
    expect(run("properties.coupon = null")).toBe(true);
    expect(run("properties.total = null")).toBe(false);
    expect(run("properties.nope > 1")).toBe(false);
    expect(run("properties.nope <= 1")).toBe(false);
    expect(run("a.b.c.d = null", {})).toBe(true);
    expect(run('context.path.path = "/login"')).toBe(false);
  });

  it("compares numbers and strings strictly, without coercion", () => {
    expect(run("properties.total > 100")).toBe(true);
    expect(run("properties.total >= 150")).toBe(true);
    expect(run("properties.total < 150")).toBe(false);
    expect(run("properties.total <= 150.0")).toBe(true);
    expect(run("properties.total = 150")).toBe(true);
    expect(run('properties.total = "150"')).toBe(false);
    expect(run("properties.price = 19.99")).toBe(false);
    expect(run('properties.price = "19.99"')).toBe(true);
    expect(run("properties.price > 10")).toBe(false);
    expect(run('properties.currency > "A"')).toBe(false);
    expect(run("x = -2", { x: -2 })).toBe(true);
    expect(run("x < 1e3", { x: 999 })).toBe(true);
  });

  it("compares lists and objects deeply", () => {
    expect(run('properties.features = ["discounts", "dark-mode"]')).toBe(true);
    expect(run('properties.features = ["dark-mode", "discounts"]')).toBe(false);
    expect(run("a = b", { a: { x: [1, { y: 2 }] }, b: { x: [1, { y: 2 }] } })).toBe(true);
    expect(run("a = b", { a: { x: 1 }, b: { x: 1, y: 2 } })).toBe(false);
  });

  it("matches globs fully and case-sensitively", () => {
    const m = (value: unknown, pattern: string) => run(`match(v, ${JSON.stringify(pattern)})`, { v: value });
    expect(m("abcd", "a*d")).toBe(true);
    expect(m("", "*")).toBe(true);
    expect(m("abc", "ab")).toBe(false);
    expect(m("abcd", "a??d")).toBe(true);
    expect(m("abd", "a??d")).toBe(false);
    expect(m("abcd", "*d")).toBe(true);
    expect(m("ab*d", "ab\\*d")).toBe(true);
    expect(m("abxd", "ab\\*d")).toBe(false);
    expect(m("abCd", "ab[cC]d")).toBe(true);
    expect(m("abcd", "ab[a-z]d")).toBe(true);
    expect(m("abcd", "ab[A-Z]d")).toBe(false);
    expect(m("abxd", "ab[^c]d")).toBe(true);
    // Only ^ negates: [!c] is "! or c", as in Segment's Go-style globs.
    expect(m("abxd", "ab[!c]d")).toBe(false);
    expect(m("ab!d", "ab[!c]d")).toBe(true);
    expect(m("abcd", "ab[!c]d")).toBe(true);
    expect(m("Checkout", "checkout")).toBe(false);
    expect(m("a.b+c", "a.b+c")).toBe(true);
    expect(m("axb", "a.b")).toBe(false);
    expect(m("line1\nline2", "line1*")).toBe(true);
    expect(m("a😀b", "a?b")).toBe(true);
    expect(m(12, "1*")).toBe(false);
    expect(m(null, "*")).toBe(false);
    // single-quoted FQL strings keep the backslash for the glob too
    expect(run("match(v, 'ab\\*d')", { v: "ab*d" })).toBe(true);
  });

  it("matches a glob read from the message", () => {
    expect(
      run("match(event, properties.pattern)", { event: "Checkout", properties: { pattern: "Check*" } }),
    ).toBe(true);
    expect(run("match(event, properties.pattern)", { event: "Checkout", properties: { pattern: "[" } })).toBe(
      false,
    );
  });

  it("implements contains, length, lowercase and typeof with null-friendly defaults", () => {
    expect(run('contains(event, "out St")')).toBe(true);
    expect(run('contains(event, "out st")')).toBe(false);
    expect(run('contains(properties.nope, "x")')).toBe(false);
    // A string function, as in Segment: false on a list even when an item equals the string.
    expect(run('contains(properties.features, "dark-mode")')).toBe(false);
    expect(run('"dark-mode" in properties.features')).toBe(true);
    expect(run("length(properties.items) > 2")).toBe(true);
    expect(run("length(properties.items) = 3")).toBe(true);
    expect(run("length(properties.nope) = 0")).toBe(true);
    expect(run("length(userId) > 0")).toBe(true);
    expect(run("length(s) = 3", { s: "ア" })).toBe(true); // UTF-8 bytes, as in Segment
    expect(run('lowercase(traits.email) = "ada@example.com"')).toBe(true);
    expect(run("lowercase(properties.nope) = null")).toBe(true);
    expect(run('typeof(properties.total) = "number"')).toBe(true);
    expect(run('typeof(properties.items) = "list"')).toBe(true);
    expect(run('typeof(properties.enabled) = "bool"')).toBe(true);
    expect(run('typeof(properties.nope) = "null"')).toBe(true);
    expect(run('typeof(context) = "object"')).toBe(true);
  });

  it("resolves escaped keys and array indexes", () => {
    expect(run("properties.product\\ 1.price = 5")).toBe(true);
    expect(run("properties.a\\.b = 1")).toBe(true);
    expect(run('properties.items.1.sku = "b"')).toBe(true);
    expect(run("properties.items.sku = null")).toBe(true);
    expect(run("\\and = 1", { and: 1 })).toBe(true);
  });

  it("does not read inherited properties", () => {
    expect(run("constructor = null", {})).toBe(true);
    expect(run("properties.__proto__ = null", { properties: {} })).toBe(true);
  });

  it("decodes string escapes", () => {
    expect(run('s = "a\\"b\\\\c\\n\\u00e9"', { s: 'a"b\\c\né' })).toBe(true);
  });

  it("evaluateFql agrees with compileFql", () => {
    const parsed = parseFql('type = "track" and properties.total > 100');
    if (!parsed.ok) throw new Error("parse failed");
    expect(evaluateFql(parsed.ast, message)).toBe(true);
    expect(evaluateFql(parsed.ast, { ...message, type: "page" })).toBe(false);
  });
});

describe("robustness", () => {
  const pieces = [
    "type",
    "properties.x",
    "=",
    "!=",
    ">",
    "and",
    "or",
    "!",
    "(",
    ")",
    "[",
    "]",
    ",",
    '"a"',
    "'b",
    "1",
    "-2.5",
  ];
  const fqlish = fc.oneof(
    fc.string(),
    fc
      .array(fc.oneof(fc.constantFrom(...pieces, "match", "length(", " ", "\n")), { maxLength: 12 })
      .map((p) => p.join(" ")),
  );

  it("never throws and always reports a location inside the source", () => {
    fc.assert(
      fc.property(fqlish, (src) => {
        const parsed = parseFql(src);
        if (parsed.ok) return;
        const { position, length, line, column } = parsed.error;
        expect(position).toBeGreaterThanOrEqual(0);
        expect(position + length).toBeLessThanOrEqual(src.length);
        const before = src.slice(0, position).split("\n");
        expect(line).toBe(before.length);
        expect(column).toBe(before.at(-1)!.length + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it("evaluates every parsable condition to a boolean on arbitrary JSON", () => {
    fc.assert(
      fc.property(fqlish, fc.jsonValue(), (src, json) => {
        const parsed = parseFql(src);
        if (!parsed.ok) return;
        expect(typeof evaluateFql(parsed.ast, { type: json, properties: { x: json } })).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });
});
