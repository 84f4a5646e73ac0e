// Evaluation: the AST is compiled once into closures so the delivery hot path doesn't re-walk it.

import type { FqlCompareOp, FqlFunction, FqlNode, FqlOperand, FqlPredicate } from "./fql";
import { compileGlob, type Glob, MAX_GLOB_PATTERN_LENGTH } from "./glob";

type Getter = (message: Record<string, unknown>) => unknown;

export function compileNode(node: FqlNode): FqlPredicate {
  switch (node.kind) {
    case "or": {
      const [a, b] = [compileNode(node.left), compileNode(node.right)];
      return (m) => a(m) || b(m);
    }
    case "and": {
      const [a, b] = [compileNode(node.left), compileNode(node.right)];
      return (m) => a(m) && b(m);
    }
    case "not": {
      const a = compileNode(node.operand);
      return (m) => !a(m);
    }
    case "test": {
      const get = compileOperand(node.operand);
      return (m) => get(m) === true;
    }
    case "compare":
      return compileCompare(node.op, compileOperand(node.left), compileOperand(node.right));
  }
}

function compileCompare(op: FqlCompareOp, l: Getter, r: Getter): FqlPredicate {
  const numeric = (test: (a: number, b: number) => boolean) => (m: Record<string, unknown>) => {
    const a = l(m);
    const b = r(m);
    return typeof a === "number" && typeof b === "number" && test(a, b);
  };
  switch (op) {
    case "=":
      return (m) => equal(l(m), r(m));
    case "!=":
      return (m) => !equal(l(m), r(m));
    case "<":
      return numeric((a, b) => a < b);
    case "<=":
      return numeric((a, b) => a <= b);
    case ">":
      return numeric((a, b) => a > b);
    case ">=":
      return numeric((a, b) => a >= b);
    case "in":
      return (m) => {
        const list = r(m);
        if (!Array.isArray(list)) return false;
        const value = l(m);
        return list.some((item) => equal(value, item ?? null));
      };
  }
}

function compileOperand(operand: FqlOperand): Getter {
  switch (operand.kind) {
    case "literal": {
      const value = operand.value;
      return () => value;
    }
    case "path": {
      const path = operand.path;
      return (m) => resolve(m, path);
    }
    case "list": {
      const items = operand.items.map(compileOperand);
      return (m) => items.map((get) => get(m));
    }
    case "call":
      return compileCall(operand.name, operand.args);
  }
}

function compileCall(name: FqlFunction, args: FqlOperand[]): Getter {
  const [a, b] = args.map(compileOperand) as [Getter, Getter];
  switch (name) {
    case "match": {
      const pattern = args[1]!;
      if (pattern.kind === "literal" && typeof pattern.value === "string") {
        const glob = compileGlob(pattern.value);
        return (m) => {
          const s = a(m);
          return typeof s === "string" && glob.test(s);
        };
      }
      return (m) => {
        const s = a(m);
        const p = b(m);
        return typeof s === "string" && typeof p === "string" && dynamicGlob(p)?.test(s) === true;
      };
    }
    case "contains":
      // A string function, as in Segment: a list is not searched (use `"x" in list` for that).
      return (m) => {
        const haystack = a(m);
        const needle = b(m);
        return typeof haystack === "string" && typeof needle === "string" && haystack.includes(needle);
      };
    case "length":
      return (m) => {
        const v = a(m);
        if (typeof v === "string") return utf8Length(v);
        if (Array.isArray(v)) return v.length;
        if (v !== null && typeof v === "object") return Object.keys(v).length;
        return 0;
      };
    case "lowercase":
      return (m) => {
        const v = a(m);
        return typeof v === "string" ? v.toLowerCase() : null;
      };
    case "typeof":
      return (m) => typeName(a(m));
  }
}

const dynamicGlobs = new Map<string, Glob | null>();

/** A pattern read from the message; bad or over-long patterns simply don't match. */
function dynamicGlob(pattern: string): Glob | null {
  // Checked before compiling so a 32 KB pattern costs nothing: length counts UTF-16 units, and
  // a pattern can't have more code points than units.
  if (pattern.length > MAX_GLOB_PATTERN_LENGTH * 2) return null;
  let glob = dynamicGlobs.get(pattern);
  if (glob === undefined) {
    try {
      glob = compileGlob(pattern);
    } catch {
      glob = null;
    }
    if (dynamicGlobs.size > 1000) dynamicGlobs.clear();
    dynamicGlobs.set(pattern, glob);
  }
  return glob;
}

/** Missing fields read as null, so `x = null` is true and `x != "a"` is true when x is absent. */
function resolve(message: unknown, path: string[]): unknown {
  let current = message;
  for (const key of path) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(key)) return null;
      current = current[Number(key)];
    } else if (current !== null && typeof current === "object" && Object.hasOwn(current, key)) {
      current = (current as Record<string, unknown>)[key];
    } else {
      return null;
    }
  }
  return current === undefined ? null : current;
}

/**
 * Strict: same type and same value, deep for lists and objects; "1" never equals 1. Iterative
 * (pairs still to compare on a stack), so a deeply nested value cannot overflow the call stack.
 */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const pending: unknown[] = [a, b];
  while (pending.length > 0) {
    const y = pending.pop();
    const x = pending.pop();
    if (x === y) continue;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    if (Array.isArray(x) || Array.isArray(y)) {
      if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) pending.push(x[i], y[i]);
      continue;
    }
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    for (const k of keys) {
      if (!Object.hasOwn(y, k)) return false;
      pending.push((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]);
    }
  }
  return true;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "list";
  if (typeof v === "boolean") return "bool";
  return typeof v === "string" || typeof v === "number" ? typeof v : "object";
}

/** Segment's length() counts UTF-8 bytes; computed by hand to avoid depending on TextEncoder. */
function utf8Length(s: string): number {
  let bytes = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}
