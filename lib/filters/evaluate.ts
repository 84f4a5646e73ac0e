// Evaluation: the AST is compiled once into closures so the delivery hot path doesn't re-walk it.

import type { FqlCompareOp, FqlFunction, FqlNode, FqlOperand, FqlPredicate } from "./fql";
import { globToRegExp } from "./glob";

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
        const re = globToRegExp(pattern.value);
        return (m) => {
          const s = a(m);
          return typeof s === "string" && re.test(s);
        };
      }
      return (m) => {
        const s = a(m);
        const p = b(m);
        return typeof s === "string" && typeof p === "string" && dynamicGlob(p)?.test(s) === true;
      };
    }
    case "contains":
      return (m) => {
        const haystack = a(m);
        const needle = b(m);
        if (Array.isArray(haystack)) return haystack.some((item) => equal(item ?? null, needle));
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

const dynamicGlobs = new Map<string, RegExp | null>();

function dynamicGlob(pattern: string): RegExp | null {
  let re = dynamicGlobs.get(pattern);
  if (re === undefined) {
    try {
      re = globToRegExp(pattern);
    } catch {
      re = null; // a bad pattern in the data simply doesn't match
    }
    if (dynamicGlobs.size > 1000) dynamicGlobs.clear();
    dynamicGlobs.set(pattern, re);
  }
  return re;
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

/** Strict: same type and same value, deep for lists and objects; "1" never equals 1. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  return (
    ka.length === Object.keys(b).length &&
    ka.every((k) => Object.hasOwn(rb, k) && equal((a as Record<string, unknown>)[k], rb[k]))
  );
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
