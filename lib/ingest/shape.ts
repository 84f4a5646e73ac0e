import { MAX_NESTING_DEPTH } from "@/lib/ingest/limits";

// What a message may contain beyond the Segment spec's fields, checked once at the door so that
// nothing behind it (archive, routing, filters, delivery, debugger) meets a value it would alter
// or choke on:
//   - nesting at most MAX_NESTING_DEPTH levels: serialising, comparing and copying messages use
//     the call stack, which ~4,000 levels overflow; the walk here uses none;
//   - numbers that JSON.parse could represent (1e400 parses as Infinity and would be stored as null);
//   - strings and keys without U+0000 or lone UTF-16 surrogates (a lone surrogate cannot be
//     encoded as UTF-8, so a destination would receive U+FFFD; U+0000 is refused by PostgreSQL
//     and by many destinations). Both can only enter through \u escapes in the JSON text.

interface Frame {
  value: object;
  depth: number;
  parent: Frame | null;
  key: string | number;
}

function pathOf(frame: Frame | null, key?: string | number): string {
  const parts: (string | number)[] = key === undefined ? [] : [key];
  for (let f = frame; f?.parent; f = f.parent) parts.push(f.key);
  let out = "";
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    out += typeof part === "number" ? `[${part}]` : out === "" ? part : `.${part}`;
  }
  // A path 100 levels deep is longer than its reader's patience (and the pixel's X-Error header).
  return out.length > 80 ? `${out.slice(0, 77)}…` : out || "the message";
}

/** String.prototype.isWellFormed (Node 20; TypeScript's lib here predates ES2024). */
type WellFormed = string & { isWellFormed(): boolean };

function badString(s: string): string | null {
  if (s.includes("\u0000")) return "contains U+0000 (NUL), which cannot be stored";
  if (!(s as WellFormed).isWellFormed())
    return "contains a lone UTF-16 surrogate (an invalid \\u escape), which is not valid Unicode";
  return null;
}

export interface InspectOptions {
  /** Levels allowed, counting `value` itself as level `startDepth`. */
  maxDepth?: number;
  startDepth?: number;
  /** Check strings and keys; false when the JSON text had no \u escape (nothing to find then). */
  strings?: boolean;
  /** Prefix for paths in reasons, e.g. "batch-level context". */
  label?: string;
}

/** Why `value` cannot be accepted as it is, or null. Iterative: any depth is safe to inspect. */
export function inspectValue(value: unknown, opts: InspectOptions = {}): string | null {
  // The common case, on every message: a walk that allocates nothing per object. Only when it
  // finds something is the walk repeated with paths, to say where.
  return acceptable(value, opts.maxDepth ?? MAX_NESTING_DEPTH, opts.startDepth ?? 1, opts.strings ?? true)
    ? null
    : describeProblem(value, opts);
}

const values: unknown[] = [];
const depths: number[] = [];

function acceptable(value: unknown, maxDepth: number, startDepth: number, strings: boolean): boolean {
  if (typeof value !== "object" || value === null) return primitiveOk(value, strings);
  let top = 0;
  values[0] = value;
  depths[0] = startDepth;
  let ok = true;
  walk: while (top >= 0) {
    const v = values[top] as Record<string, unknown>;
    const depth = depths[top]!;
    top--;
    if (depth > maxDepth) {
      ok = false;
      break;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const child: unknown = v[i];
        if (typeof child === "object" && child !== null) {
          values[++top] = child;
          depths[top] = depth + 1;
        } else if (!primitiveOk(child, strings)) {
          ok = false;
          break walk;
        }
      }
    } else {
      for (const key in v) {
        const child = v[key];
        if (strings && badString(key) !== null) {
          ok = false;
          break walk;
        }
        if (typeof child === "object" && child !== null) {
          values[++top] = child;
          depths[top] = depth + 1;
        } else if (!primitiveOk(child, strings)) {
          ok = false;
          break walk;
        }
      }
    }
  }
  values.length = 0; // the scratch stack must not keep messages alive
  return ok;
}

function primitiveOk(v: unknown, strings: boolean): boolean {
  if (typeof v === "number") return Number.isFinite(v);
  return !strings || typeof v !== "string" || badString(v) === null;
}

function describeProblem(value: unknown, opts: InspectOptions): string | null {
  const maxDepth = opts.maxDepth ?? MAX_NESTING_DEPTH;
  const strings = opts.strings ?? true;
  const where = (frame: Frame | null, key?: string | number) => {
    const path = pathOf(frame, key);
    return opts.label ? (path === "the message" ? opts.label : `${opts.label}.${path}`) : path;
  };
  const primitive = (v: unknown, frame: Frame | null, key?: string | number): string | null => {
    if (typeof v === "number") {
      return Number.isFinite(v)
        ? null
        : `${where(frame, key)} is a number beyond ±1.8e308 (JSON numbers must fit a 64-bit float)`;
    }
    if (strings && typeof v === "string") {
      const bad = badString(v);
      if (bad) return `${where(frame, key)} ${bad}`;
    }
    return null;
  };
  if (typeof value !== "object" || value === null) return primitive(value, null);
  const stack: Frame[] = [{ value, depth: opts.startDepth ?? 1, parent: null, key: "" }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth > maxDepth) {
      return `${where(frame)} is nested more than ${maxDepth} levels deep (the limit, counting the message itself as level 1)`;
    }
    const v = frame.value;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const child = v[i];
        if (typeof child === "object" && child !== null) {
          stack.push({ value: child, depth: frame.depth + 1, parent: frame, key: i });
        } else {
          const problem = primitive(child, frame, i);
          if (problem) return problem;
        }
      }
    } else {
      for (const key in v) {
        if (strings) {
          const bad = badString(key);
          if (bad) return `a key in ${where(frame)} ${bad}`;
        }
        const child = (v as Record<string, unknown>)[key];
        if (typeof child === "object" && child !== null) {
          stack.push({ value: child, depth: frame.depth + 1, parent: frame, key });
        } else {
          const problem = primitive(child, frame, key);
          if (problem) return problem;
        }
      }
    }
  }
  return null;
}

export const TRUNCATED = `[removed: nested deeper than ${MAX_NESTING_DEPTH} levels]`;

/**
 * A copy of `value` in which everything below `maxDepth` levels is replaced by TRUNCATED: what is
 * archived (and shown in the debugger) for a message rejected for its depth. Iterative.
 */
export function truncateDepth(value: unknown, maxDepth = MAX_NESTING_DEPTH): unknown {
  if (typeof value !== "object" || value === null) return value;
  const copyOf = (v: object): Record<string, unknown> | unknown[] => (Array.isArray(v) ? [] : {});
  const root = copyOf(value);
  const stack: { from: object; to: Record<string, unknown> | unknown[]; depth: number }[] = [
    { from: value, to: root, depth: 1 },
  ];
  while (stack.length > 0) {
    const { from, to, depth } = stack.pop()!;
    for (const key of Object.keys(from)) {
      const child = (from as Record<string, unknown>)[key];
      let out: unknown = child;
      if (typeof child === "object" && child !== null) {
        if (depth + 1 > maxDepth) out = TRUNCATED;
        else {
          out = copyOf(child);
          stack.push({ from: child, to: out as object as Record<string, unknown>, depth: depth + 1 });
        }
      }
      if (Array.isArray(to)) to.push(out);
      else to[key] = out;
    }
  }
  return root;
}

/** How deep `value` nests (a primitive is 0, `{}` is 1). Iterative. */
export function nestingDepth(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let max = 0;
  const stack: [object, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > max) max = depth;
    for (const child of Object.values(v)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return max;
}
