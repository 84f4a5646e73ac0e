// Field paths as the Privacy page names them: "traits.email", "properties.products.sku" (a list
// is walked into, so one path covers every item, as in destination filters). Only the objects
// that carry a user's data are looked at: properties, traits, context (context.traits included).

export const SCANNED_ROOTS = ["properties", "traits", "context"] as const;

/** Bounds on one scan: an event cannot make detection costly. */
export const MAX_SCAN_DEPTH = 6;
export const MAX_SCAN_FIELDS = 300;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export const PATH_PART = /^[A-Za-z0-9_$][A-Za-z0-9_$-]{0,99}$/;
export const MAX_PATH_LENGTH = 200;

/** A path the Privacy page accepts: a scanned root, then keys without dots or spaces. */
export function isValidPath(path: string): boolean {
  if (path.length > MAX_PATH_LENGTH) return false;
  const parts = path.split(".");
  return (
    parts.length >= 2 &&
    parts.length <= MAX_SCAN_DEPTH + 1 &&
    (SCANNED_ROOTS as readonly string[]).includes(parts[0]!) &&
    parts.every((p) => PATH_PART.test(p))
  );
}

/**
 * Calls `visit` for every leaf (non-object value, list items walked into) under the scanned
 * roots, at most MAX_SCAN_FIELDS leaves and MAX_SCAN_DEPTH levels. Iterative.
 */
export function walkFields(
  message: Record<string, unknown>,
  visit: (path: string, key: string, value: unknown) => void,
): void {
  let budget = MAX_SCAN_FIELDS;
  const stack: [string, unknown, number][] = [];
  for (const root of SCANNED_ROOTS) if (isObject(message[root])) stack.push([root, message[root], 1]);
  while (stack.length > 0 && budget > 0) {
    const [path, value, depth] = stack.pop()!;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && i < 20; i++) stack.push([path, value[i], depth]);
      continue;
    }
    if (!isObject(value)) continue;
    for (const key of Object.keys(value)) {
      if (budget-- <= 0) break;
      if (!PATH_PART.test(key)) continue;
      const child = value[key];
      const childPath = `${path}.${key}`;
      if ((isObject(child) || Array.isArray(child)) && depth < MAX_SCAN_DEPTH) {
        // An object under a name key ("address": {...}) is reported as a whole too.
        visit(childPath, key, child);
        stack.push([childPath, child, depth + 1]);
      } else visit(childPath, key, child);
    }
  }
}

/**
 * The message without the fields at `paths` (split into parts). Copy-on-write: objects on the way
 * to a removed field are copied, the rest is shared with the input, which is never changed.
 * Returns the input itself when nothing was there to remove.
 */
export function removePaths(
  message: Record<string, unknown>,
  paths: readonly (readonly string[])[],
): { message: Record<string, unknown>; removed: string[] } {
  let current = message;
  const removed: string[] = [];
  for (const parts of paths) {
    const next = removeOne(current, parts, 0);
    if (next !== current) {
      current = next as Record<string, unknown>;
      removed.push(parts.join("."));
    }
  }
  return { message: current, removed };
}

/** Deletes the fields at `paths` from a message the caller owns (ingest, before archiving). */
export function deletePathsInPlace(
  message: Record<string, unknown>,
  paths: readonly (readonly string[])[],
): number {
  let removed = 0;
  for (const parts of paths) removed += deleteIn(message, parts, 0);
  return removed;
}

function deleteIn(value: unknown, parts: readonly string[], i: number): number {
  if (Array.isArray(value)) {
    let n = 0;
    for (const item of value) n += deleteIn(item, parts, i);
    return n > 0 ? 1 : 0;
  }
  if (!isObject(value)) return 0;
  const key = parts[i]!;
  if (!Object.hasOwn(value, key)) return 0;
  if (i === parts.length - 1) {
    delete value[key];
    return 1;
  }
  return deleteIn(value[key], parts, i + 1);
}

function removeOne(value: unknown, parts: readonly string[], i: number): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let k = 0; k < value.length; k++) {
      const next = removeOne(value[k], parts, i);
      if (next !== value[k]) {
        copy ??= value.slice();
        copy[k] = next;
      }
    }
    return copy ?? value;
  }
  if (!isObject(value)) return value;
  const key = parts[i]!;
  if (!Object.hasOwn(value, key)) return value;
  if (i === parts.length - 1) {
    const { [key]: _gone, ...rest } = value;
    return rest;
  }
  const next = removeOne(value[key], parts, i + 1);
  if (next === value[key]) return value;
  const copy = { ...value };
  Object.defineProperty(copy, key, { value: next, writable: true, enumerable: true, configurable: true });
  return copy;
}
