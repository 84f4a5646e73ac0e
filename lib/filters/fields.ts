// Field removal for the drop_fields and allow_fields actions, with Segment's semantics (checked
// against its own engine, tsub, in lib/filters/conformance.test.ts):
//   - fields live inside `properties`, `traits` or `context`; nothing else can be named (saving
//     refuses it, so ids, event names and timestamps always reach the destination);
//   - drop: each listed field is removed;
//   - allow: the list applies within each object it names. `properties.total` keeps only
//     `total` in `properties`; `context`, `traits` and every top-level field are untouched.
//     `properties.products.price` names `properties.products` (each product keeps only its
//     price) but not `properties` itself, unless a field directly inside it is listed too;
//   - a path step that meets a list applies to each object in it (one list level per step).
// Copy-on-write: untouched branches are shared, and an unchanged message is returned as is.
// Recursion follows the configured paths (at most MAX_FIELD_PATH_SEGMENTS), never the message.

/** The objects whose fields drop_fields and allow_fields may name (Segment's rule). */
export const FIELD_OBJECTS = ["properties", "traits", "context"] as const;

/** Most dot-separated parts in a field path (the schema caps paths at 200 characters as well). */
export const MAX_FIELD_PATH_SEGMENTS = 50;

/** Never removed, even by a drop_fields filter saved before fields had to be inside FIELD_OBJECTS. */
export const PROTECTED_FIELDS = ["type", "messageId"] as const;

type Message = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Why `path` cannot be used by drop_fields/allow_fields, or null. */
export function fieldPathProblem(path: string): string | null {
  const parts = path.split(".");
  if ((FIELD_OBJECTS as readonly string[]).includes(parts[0]!) && parts.length >= 2) return null;
  return `"${path}" is not a field inside properties, traits or context, the only places field filters act (as in Segment); to stop the whole event use a drop filter`;
}

export function dropFields(message: Message, paths: string[][]): Message {
  let out: unknown = message;
  for (const path of paths) {
    if (path.length === 1 && (PROTECTED_FIELDS as readonly string[]).includes(path[0]!)) continue;
    out = without(out, path);
  }
  return out as Message;
}

function without(value: unknown, path: string[]): unknown {
  if (!Array.isArray(value)) return isObject(value) ? withoutIn(value, path) : value;
  const next = value.map((item) => (isObject(item) ? withoutIn(item, path) : item));
  return next.some((item, i) => item !== value[i]) ? next : value;
}

function withoutIn(value: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined || !Object.hasOwn(value, head)) return value;
  if (rest.length === 0) {
    const copy = { ...value };
    delete copy[head];
    return copy;
  }
  const child = without(value[head], rest);
  return child === value[head] ? value : { ...value, [head]: child };
}

/** A listed field (kept whole) or an object on the way to listed fields. */
interface Node {
  /** Listed fields directly inside: the object keeps only these (and `children`' keys). */
  leaves: Set<string>;
  children: Map<string, Node>;
}

const node = (): Node => ({ leaves: new Set(), children: new Map() });

export function allowFields(message: Message, paths: string[][]): Message {
  const root = node();
  for (const path of paths) {
    // Top-level names (only in filters saved before they were refused) restrict nothing.
    if (path.length < 2) continue;
    let at = root;
    for (const key of path.slice(0, -1)) {
      const next = at.children.get(key) ?? node();
      at.children.set(key, next);
      at = next;
    }
    at.leaves.add(path[path.length - 1]!);
  }
  // The message itself is never restricted: only objects a listed field sits directly in.
  return descend(message, root) as Message;
}

/** Restricts `value` if fields are listed directly in it; then the same for its listed children. */
function restrict(value: unknown, at: Node): unknown {
  if (!Array.isArray(value)) return isObject(value) ? restrictObject(value, at) : value;
  const next = value.map((item) => (isObject(item) ? restrictObject(item, at) : item));
  return next.some((item, i) => item !== value[i]) ? next : value;
}

function restrictObject(value: Record<string, unknown>, at: Node): Record<string, unknown> {
  if (at.leaves.size === 0) return descend(value, at);
  const out: Record<string, unknown> = {};
  let changed = false;
  for (const key of Object.keys(value)) {
    if (at.leaves.has(key)) out[key] = value[key];
    else if (at.children.has(key)) {
      out[key] = restrict(value[key], at.children.get(key)!);
      changed ||= out[key] !== value[key];
    } else changed = true;
  }
  return changed ? out : value;
}

/** Keeps every key of `value`, restricting only the children that lead to listed fields. */
function descend(value: Record<string, unknown>, at: Node): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const [key, child] of at.children) {
    if (at.leaves.has(key) || !Object.hasOwn(value, key)) continue;
    const next = restrict(value[key], child);
    if (next !== value[key]) {
      out ??= { ...value };
      out[key] = next;
    }
  }
  return out ?? value;
}
