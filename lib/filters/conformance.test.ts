import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyFilters, type FilterDefinition } from "./apply";
import { compileFql, type FqlNode, type FqlOperand, parseFql } from "./fql";
import { compileGlob } from "./glob";

// Issue 15: every case through both this product and Segment's own filter engine, tsub (the
// build that ships inside @segment/analytics-next), wherever tsub covers it: FQL conditions
// (translated to tsub's intermediate representation), glob matching, field removal and sampling
// by a field. Where tsub disagrees with Segment's own documentation, the case says so and the
// product follows the documentation.

// tsub is a UMD bundle that refers to `self`, which Node lacks.
(globalThis as { self?: unknown }).self ??= globalThis;
const require = createRequire(import.meta.url);
const tsub = require("@segment/analytics-next/dist/cjs/vendor/tsub/tsub.js") as {
  matches(event: unknown, matcher: { type: "fql"; ir: string }): boolean;
  transform(
    event: unknown,
    transformers: { type: string; config?: unknown }[],
  ): Record<string, unknown> | null;
};

type Ir = string | { value: unknown } | Ir[];

/** Our AST in tsub's IR: paths as dotted strings, literals as {value}, operators and calls as lists. */
function toIr(node: FqlNode): Ir {
  switch (node.kind) {
    case "or":
    case "and":
      return [node.kind, toIr(node.left), toIr(node.right)];
    case "not":
      return ["!", toIr(node.operand)];
    case "test":
      return operandIr(node.operand);
    case "compare":
      return [
        node.op,
        operandIr(node.left),
        node.op === "in" && node.right.kind === "list"
          ? node.right.items.map(operandIr)
          : operandIr(node.right),
      ];
  }
}

function operandIr(op: FqlOperand): Ir {
  switch (op.kind) {
    case "path":
      return op.path.join(".");
    case "literal":
      return { value: op.value };
    case "list":
      return { value: op.items.map((i) => (i.kind === "literal" ? i.value : null)) };
    case "call":
      return [op.name, ...op.args.map(operandIr)];
  }
}

const tsubMatches = (src: string, message: unknown) => {
  const parsed = parseFql(src);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return tsub.matches(message, { type: "fql", ir: JSON.stringify(toIr(parsed.ast)) });
};
const ours = (src: string, message: Record<string, unknown>) => compileFql(src)(message);

// Segment's FQL reference example (segment-docs src/api/public-api/fql.md).
const documented = {
  event: "Button Clicked",
  type: "track",
  context: { library: { name: "analytics.js", version: "1.0" } },
  properties: { features: ["discounts", "dark-mode"] },
};

const rich = {
  type: "track",
  event: "Checkout Started",
  userId: "u_1",
  context: { library: { name: "analytics.js", version: "1.0" }, page: { path: "/blog/2024/x.pdf" } },
  properties: { total: 150, price: "19.99", enabled: true, coupon: null, tags: ["a", "b"] },
  traits: { email: "Ada@Example.com" },
};

describe("FQL: the product and tsub agree", () => {
  it.each([
    // Every row of Segment's documented example table
    ["event = 'Button Clicked'", true, documented],
    ["event = 'Screen Tapped'", false, documented],
    ["type = 'identify' or type = 'track'", true, documented],
    ["event = 'Button Clicked' and type = 'track'", true, documented],
    ["match( context.library.version, '1.*' )", true, documented],
    ["match( context.library.version, '2.*' )", false, documented],
    ["type = 'track' and ( event = 'Click' or match( event, 'Button *' ) )", true, documented],
    ["!contains( context.library.name, 'js' )", false, documented],
    // Beyond the table
    ["properties.total > 100 and properties.total <= 150", true, rich],
    ["properties.total < 100", false, rich],
    ['properties.price = "19.99"', true, rich],
    ["properties.price = 19.99", false, rich],
    ['properties.price > "10"', false, rich],
    ["properties.enabled", true, rich],
    ["properties.coupon = null", true, rich],
    ['type in ["track", "page"]', true, rich],
    ['!(type in ["identify", "page"])', true, rich],
    ['lowercase(traits.email) = "ada@example.com"', true, rich],
    ['contains(event, "out St")', true, rich],
    ['contains(event, "out st")', false, rich],
    ['contains(properties.tags, "a")', false, rich], // a string function, also on lists (item 10)
    ['contains(properties.nope, "x")', false, rich],
    ["length(properties.tags) = 2", true, rich],
    ["length(userId) > 0", true, rich],
    ['match(context.page.path, "*/*/*/*.pdf")', true, rich],
    ['match(context.page.path, "/blog/[0-9][0-9][0-9][0-9]/*")', true, rich],
    ['match(event, "Checkout [!x]*")', false, rich], // ! is literal in a class (item 10)
    ['match(event, "Checkout [!S]*")', true, rich],
    ['match(event, "Checkout [^S]*")', false, rich],
    ['match(properties.total, "1*")', false, rich],
  ] as const)("%s → %s", (src, expected, message) => {
    expect(ours(src, message as Record<string, unknown>)).toBe(expected);
    expect(tsubMatches(src, message)).toBe(expected);
  });

  it("documents where tsub departs from Segment's documentation (the product follows the documentation)", () => {
    // "'dark-mode' in properties.features → true" in Segment's table; tsub reads list items as paths.
    expect(ours("'dark-mode' in properties.features", documented)).toBe(true);
    expect(tsubMatches("'dark-mode' in properties.features", documented)).toBe(false);
    // A missing field reads as null in FQL ("contains( null, string ) → false", "length( null ) → 0");
    // tsub compares undefined with null.
    expect(ours("properties.nope = null", rich)).toBe(true);
    expect(tsubMatches("properties.nope = null", rich)).toBe(false);
    expect(ours("length(properties.nope) = 0", rich)).toBe(true);
    expect(tsubMatches("length(properties.nope) = 0", rich)).toBe(false); // NaN for undefined
    // length() counts UTF-8 bytes ("ア is 3 bytes long"); tsub counts UTF-16 units.
    expect(ours("length(s) = 3", { s: "ア" })).toBe(true);
    expect(tsubMatches("length(s) = 3", { s: "ア" })).toBe(false);
    // typeof() answers "bool" and "list" per the documentation; tsub returns JavaScript's names.
    expect(ours('typeof(properties.tags) = "list"', rich)).toBe(true);
    expect(tsubMatches('typeof(properties.tags) = "list"', rich)).toBe(false);
  });
});

describe("globs: the product and tsub agree on random patterns and strings", () => {
  // ASCII only: tsub steps through UTF-16 units where Segment's Go engine (and the product) use
  // code points. No "-" or "]" first in a class, which both refuse (tsub by never matching).
  const piece = fc.constantFrom(
    "a",
    "b",
    "/",
    ".",
    "*",
    "?",
    "[ab]",
    "[^a]",
    "[a-c]",
    "[!a]",
    "\\*",
    "\\?",
    "!",
  );
  const patterns = fc.array(piece, { maxLength: 8 }).map((p) => p.join(""));
  const texts = fc
    .array(fc.constantFrom("a", "b", "c", "/", ".", "*", "?", "!"), { maxLength: 12 })
    .map((t) => t.join(""));

  it("5,000 random cases", () => {
    fc.assert(
      fc.property(patterns, texts, (pattern, text) => {
        const theirs = tsub.matches(
          { s: text },
          { type: "fql", ir: JSON.stringify(["match", "s", { value: pattern }]) },
        );
        expect(compileGlob(pattern).test(text)).toBe(theirs);
      }),
      { numRuns: 5000 },
    );
  });
});

// ---- field removal ------------------------------------------------------------------------------

/** Our field list as tsub's config: {"properties.products": ["price"], ...}. */
function tsubFields(fields: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of fields) {
    const at = f.lastIndexOf(".");
    const path = f.slice(0, at);
    out[path] = [...(out[path] ?? []), f.slice(at + 1)];
  }
  return out;
}

const filter = (action: "drop_fields" | "allow_fields", fields: string[]): FilterDefinition => ({
  id: "f",
  name: "f",
  condition: "true",
  action,
  config: { fields },
  enabled: true,
  position: 0,
});

const order = () => ({
  type: "track",
  event: "Order Completed",
  messageId: "m1",
  userId: "u1",
  anonymousId: "a1",
  timestamp: "2025-01-01T00:00:00.000Z",
  integrations: { All: true, Mixpanel: false },
  context: { ip: "10.0.0.1", library: { name: "analytics.js" }, traits: { email: "x@y.z", plan: "pro" } },
  properties: {
    total: 120,
    email: "ada@example.com",
    address: { city: "Paris", zip: "75001" },
    products: [
      { sku: "a", price: 1, name: "A" },
      { sku: "b", price: 2, name: "B" },
    ],
  },
});
const identify = () => ({
  type: "identify",
  userId: "u1",
  messageId: "m2",
  traits: { email: "ada@example.com", name: "Ada", company: { name: "Acme", size: 10 } },
  context: { ip: "10.0.0.1" },
});

describe("field removal: the product and tsub agree (nested, array, context.*, traits.*)", () => {
  it.each([
    ["drop_fields", ["properties.email"], order],
    ["drop_fields", ["properties.address.zip"], order],
    ["drop_fields", ["properties.products.price"], order],
    ["drop_fields", ["context.ip", "context.traits.email"], order],
    ["drop_fields", ["traits.email", "traits.company.size"], identify],
    ["drop_fields", ["properties.nope", "traits.nope"], order],
    ["allow_fields", ["properties.total"], order], // item 1: context, ids, integrations untouched
    ["allow_fields", ["context.library"], order], // item 1: properties untouched
    ["allow_fields", ["properties.products.sku"], order],
    ["allow_fields", ["properties.address.city", "context.ip"], order],
    ["allow_fields", ["context.traits.plan"], order],
    ["allow_fields", ["traits.email", "traits.name"], identify],
    ["allow_fields", ["traits.company.name"], identify],
    ["allow_fields", ["properties.total"], identify], // no properties: nothing to restrict
    ["allow_fields", ["properties.email.x"], order], // names a string, not an object
  ] as const)("%s %j", (action, fields, make) => {
    const ourResult = applyFilters(make(), [filter(action, [...fields])]);
    const theirs = tsub.transform(make(), [
      {
        type: action === "drop_fields" ? "drop_properties" : "allow_properties",
        config: { [action === "drop_fields" ? "drop" : "allow"]: tsubFields([...fields]) },
      },
    ]);
    expect(ourResult.kind).toBe("kept");
    expect(ourResult.kind === "kept" && ourResult.message).toEqual(theirs);
  });

  it("keeps a deeper listed field that tsub, depending on key order, loses (a deliberate difference)", () => {
    // traits is named (traits.email) and so is traits.company: tsub first trims traits to
    // {email}, dropping company, so traits.company.name never arrives although it was listed.
    const fields = ["traits.email", "traits.company.name"];
    const ourResult = applyFilters(identify(), [filter("allow_fields", fields)]);
    expect(ourResult.kind === "kept" && ourResult.message.traits).toEqual({
      email: "ada@example.com",
      company: { name: "Acme" },
    });
    const theirs = tsub.transform(identify(), [
      { type: "allow_properties", config: { allow: tsubFields(fields) } },
    ]);
    expect(theirs?.traits).toEqual({ email: "ada@example.com" });
  });

  it("drop: the event itself", () => {
    const drop = { ...filter("drop_fields", []), action: "drop", config: {} };
    expect(applyFilters(order(), [drop]).kind).toBe("filtered");
    expect(tsub.transform(order(), [{ type: "drop" }])).toBeNull();
  });
});

describe("sampling by a field: both decide per value", () => {
  it("all of a user's events are kept or dropped together, in both engines", () => {
    const decide = (userId: string, i: number) => {
      const message = { ...order(), userId, messageId: `${userId}-${i}` };
      const mine =
        applyFilters(message, [
          { ...filter("drop_fields", []), action: "sample", config: { percent: 30, path: "userId" } },
        ]).kind === "kept";
      const theirs = tsub.transform(structuredClone(message), [
        { type: "sample_event", config: { sample: { percent: 0.3, path: "userId" } } },
      ]);
      return [mine, theirs !== null] as const;
    };
    let keptByUs = 0;
    for (let u = 0; u < 300; u++) {
      const first = decide(`user-${u}`, 0);
      if (first[0]) keptByUs++;
      for (let i = 1; i < 4; i++) expect(decide(`user-${u}`, i)).toEqual(first);
    }
    // The share of users (tsub's hash is Segment's own, so which users differ; the rule does not).
    expect(keptByUs / 300).toBeGreaterThan(0.2);
    expect(keptByUs / 300).toBeLessThan(0.4);
  });
});
