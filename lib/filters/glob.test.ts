import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, type GlobCounter, GlobError, MAX_GLOB_PATTERN_LENGTH } from "./glob";

// The matcher against a textbook reference (dynamic programming over pattern x text), and the
// bound on its work that keeps a public event from stalling the process.

type Token = { kind: "star" } | { kind: "one"; test: (cp: number) => boolean };

/** Reference: tokens by a separate, naive reading of the syntax; match by DP. Small inputs only. */
function referenceMatch(pattern: string, text: string): boolean {
  const p = Array.from(pattern);
  const tokens: Token[] = [];
  for (let i = 0; i < p.length; i++) {
    if (p[i] === "*") tokens.push({ kind: "star" });
    else if (p[i] === "?") tokens.push({ kind: "one", test: () => true });
    else if (p[i] === "\\") {
      const lit = p[++i]!.codePointAt(0);
      tokens.push({ kind: "one", test: (cp) => cp === lit });
    } else if (p[i] === "[") {
      const close = p.indexOf("]", i + 2);
      let body = p.slice(i + 1, close);
      const negated = body[0] === "^";
      if (negated) body = body.slice(1);
      const members: [number, number][] = [];
      for (let k = 0; k < body.length; k++) {
        const from = body[k]!.codePointAt(0)!;
        if (body[k + 1] === "-" && k + 2 < body.length) {
          members.push([from, body[k + 2]!.codePointAt(0)!]);
          k += 2;
        } else members.push([from, from]);
      }
      tokens.push({ kind: "one", test: (cp) => members.some(([a, b]) => cp >= a && cp <= b) !== negated });
      i = close;
    } else {
      const lit = p[i]!.codePointAt(0);
      tokens.push({ kind: "one", test: (cp) => cp === lit });
    }
  }
  const t = Array.from(text, (c) => c.codePointAt(0)!);
  // ok[j]: tokens[0..i) match t[0..j)
  let ok = t.map(() => false).concat(false);
  ok[0] = true;
  for (const token of tokens) {
    const next = ok.map(() => false);
    if (token.kind === "star") {
      let any = false;
      for (let j = 0; j <= t.length; j++) {
        any = any || ok[j]!;
        next[j] = any;
      }
    } else {
      for (let j = 1; j <= t.length; j++) next[j] = ok[j - 1]! && token.test(t[j - 1]!);
    }
    ok = next;
  }
  return ok[t.length]!;
}

// Patterns over a small alphabet so matches are common, with every construct of the syntax
// (no "-" or "]" inside classes, which the naive reference reader does not handle).
const patternPiece = fc.constantFrom(
  "a",
  "b",
  "c",
  "*",
  "**",
  "?",
  "[ab]",
  "[^a]",
  "[a-c]",
  "\\*",
  "😀",
  "é",
);
const textChar = fc.constantFrom("a", "b", "c", "*", "😀", "é", "x");
const patterns = fc.array(patternPiece, { maxLength: 10 }).map((p) => p.join(""));
const texts = fc.array(textChar, { maxLength: 14 }).map((t) => t.join(""));

describe("glob matcher", () => {
  it("agrees with the reference matcher on random patterns and strings", () => {
    fc.assert(
      fc.property(patterns, texts, (pattern, text) => {
        expect(compileGlob(pattern).test(text)).toBe(referenceMatch(pattern, text));
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees on strings built to match (so positives are tested as often as negatives)", () => {
    // Replace each pattern piece by text it accepts, so the reference says yes.
    const accepted = fc.array(
      fc.oneof(
        fc.constantFrom(["a", "a"], ["b", "b"], ["[ab]", "b"], ["[^a]", "c"], ["[a-c]", "b"], ["\\*", "*"]),
        fc.tuple(fc.constant("*"), texts),
        fc.tuple(fc.constant("?"), textChar),
      ),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(accepted, (pairs) => {
        const pattern = pairs.map(([p]) => p).join("");
        const text = pairs.map(([, t]) => t).join("");
        expect(referenceMatch(pattern, text)).toBe(true);
        expect(compileGlob(pattern).test(text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("does at most (text + 1) x (pattern + 1) comparisons, even on inputs that make backtracking explode", () => {
    const bound = (pattern: string, text: string, expected: boolean) => {
      const counter: GlobCounter = { steps: 0 };
      expect(compileGlob(pattern).test(text, counter)).toBe(expected);
      expect(counter.steps).toBeLessThanOrEqual((text.length + 1) * (pattern.length + 1));
    };
    // The two reports of issue 14: ~9 s and >120 s with the backtracking RegExp this replaced.
    bound("*/*/*/*/*.pdf", "/".repeat(250), false);
    bound("*a*a*a*b", "a".repeat(2000), false);
    bound("*a*a*a*b", `${"a".repeat(20_000)}b`, true);
    bound(`*${"a".repeat(200)}b*`, "a".repeat(30_000), false);
    bound("*?*?*?*?*?*?*?*?*x", "y".repeat(30_000), false);
    bound(`*${"?".repeat(253)}b*`, "a".repeat(30_000), false);
    bound(`*${"[a-c]".repeat(50)}x*`, "a".repeat(30_000), false);
    bound(`*${"[a-c]?".repeat(20)}x*`, `${"ab".repeat(15_000)}x`, true);
    fc.assert(
      fc.property(patterns, fc.array(textChar, { maxLength: 300 }), (pattern, chars) => {
        const counter: GlobCounter = { steps: 0 };
        const text = chars.join("");
        compileGlob(pattern).test(text, counter);
        expect(counter.steps).toBeLessThanOrEqual((chars.length + 1) * (Array.from(pattern).length + 1));
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses bad and over-long patterns with a reason", () => {
    const refused = (pattern: string) => {
      try {
        compileGlob(pattern);
      } catch (e) {
        expect(e).toBeInstanceOf(GlobError);
        return (e as Error).message;
      }
      throw new Error(`${pattern} was accepted`);
    };
    expect(refused("[abc")).toBe('Unclosed "[" in pattern');
    expect(refused("a[]")).toBe('Empty "[]" in pattern');
    expect(refused("[z-a]")).toBe('Invalid range "z-a" in pattern');
    expect(refused("ab\\")).toMatch(/lone "\\"/);
    expect(refused("*".repeat(MAX_GLOB_PATTERN_LENGTH + 1))).toBe(
      `Pattern is ${MAX_GLOB_PATTERN_LENGTH + 1} characters long; match() patterns are limited to ${MAX_GLOB_PATTERN_LENGTH}`,
    );
    expect(() => compileGlob("x".repeat(MAX_GLOB_PATTERN_LENGTH))).not.toThrow();
  });
});
