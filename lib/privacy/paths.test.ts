import { describe, expect, it } from "vitest";
import {
  deletePathsInPlace,
  isValidPath,
  MAX_SCAN_FIELDS,
  removePaths,
  walkFields,
} from "@/lib/privacy/paths";

describe("field paths", () => {
  it("removes fields copy-on-write, walking into lists, leaving the input untouched", () => {
    const input = {
      traits: { email: "a@b.co", plan: "pro" },
      properties: { products: [{ sku: "a", card: "x" }, { sku: "b" }], total: 1 },
      context: { ip: "1.2.3.4" },
    };
    const snapshot = JSON.stringify(input);
    const { message, removed } = removePaths(input, [
      ["traits", "email"],
      ["properties", "products", "card"],
      ["traits", "missing"],
    ]);
    expect(removed).toEqual(["traits.email", "properties.products.card"]);
    expect(message).toEqual({
      traits: { plan: "pro" },
      properties: { products: [{ sku: "a" }, { sku: "b" }], total: 1 },
      context: { ip: "1.2.3.4" },
    });
    expect(JSON.stringify(input)).toBe(snapshot);
    expect(message.context).toBe(input.context); // untouched branches are shared
    expect(removePaths(input, [["traits", "nope"]]).message).toBe(input);
  });

  it("deletes in place for ingest", () => {
    const m = { context: { traits: { ssn: "123-45-6789", name: "A" } } };
    expect(deletePathsInPlace(m, [["context", "traits", "ssn"]])).toBe(1);
    expect(m).toEqual({ context: { traits: { name: "A" } } });
  });

  it("walks only properties, traits and context, within the field budget", () => {
    const seen: string[] = [];
    walkFields({ userId: "x", traits: { a: 1, b: { c: "d" } }, properties: { list: [{ e: 1 }] } }, (p) =>
      seen.push(p),
    );
    expect(seen.sort()).toEqual([
      "properties.list",
      "properties.list.e",
      "traits.a",
      "traits.b",
      "traits.b.c",
    ]);
    const wide = { properties: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) };
    let n = 0;
    walkFields(wide, () => n++);
    expect(n).toBe(MAX_SCAN_FIELDS);
  });

  it("accepts only addressable paths under the scanned roots", () => {
    expect(isValidPath("traits.email")).toBe(true);
    expect(isValidPath("context.traits.email")).toBe(true);
    for (const p of [
      "email",
      "userId.x",
      "traits",
      "traits.first name",
      "traits..x",
      `traits.${"a".repeat(300)}`,
    ])
      expect(isValidPath(p), p).toBe(false);
  });
});
