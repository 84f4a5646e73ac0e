// Applies a destination's filters to one message, the way Segment does: sample, drop, drop fields, allow fields.

import { compileFql, describeFqlError, type FqlError, type FqlPredicate, FqlSyntaxError } from "./fql";

export type FilterAction = "drop" | "sample" | "allow_fields" | "drop_fields";

export interface FilterDefinition {
  id: string;
  name: string;
  condition: string;
  /** Typed as string so Prisma rows can be passed directly; unknown actions fail closed. */
  action: FilterAction | (string & {});
  /** Object, or the JSON string stored in the database. */
  config: unknown;
  enabled: boolean;
  position: number;
}

export interface AppliedFilter {
  filterId: string;
  filterName: string;
  action: FilterAction;
}

export type FilterOutcome =
  | { kind: "kept"; message: Record<string, unknown>; applied: AppliedFilter[] }
  | { kind: "filtered"; filterId: string; filterName: string; action: string; reason: string };

/** Fields allow_fields never removes: without them a message can't be routed, deduplicated or attributed. */
export const REQUIRED_FIELDS = [
  "type",
  "messageId",
  "userId",
  "anonymousId",
  "groupId",
  "previousId",
  "event",
  "name",
  "timestamp",
  "originalTimestamp",
  "sentAt",
  "receivedAt",
] as const;

/** Most dot-separated parts in a field path (the schema caps paths at 200 characters as well). */
export const MAX_FIELD_PATH_SEGMENTS = 50;

/** Fields drop_fields never removes: delivery relies on them. */
export const PROTECTED_FIELDS = ["type", "messageId"] as const;

const ACTION_ORDER: Record<FilterAction, number> = { sample: 0, drop: 1, drop_fields: 2, allow_fields: 3 };

type Message = Record<string, unknown>;

/** Never mutates `message`; returns it unchanged (same reference) when no filter touched it. */
export function applyFilters(message: Message, filters: readonly FilterDefinition[]): FilterOutcome {
  const ordered = filters
    .filter((f) => f.enabled)
    .sort((a, b) => rank(a) - rank(b) || a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let current = message;
  const applied: AppliedFilter[] = [];
  for (const filter of ordered) {
    const filtered = (reason: string): FilterOutcome => ({
      kind: "filtered",
      filterId: filter.id,
      filterName: filter.name,
      action: filter.action,
      reason,
    });
    // Fail closed like Segment: a broken filter may be the one keeping PII out of a destination.
    if (!Object.hasOwn(ACTION_ORDER, filter.action))
      return filtered(`Filter "${filter.name}" has an unknown action`);
    const predicate = compiled(filter.condition);
    if (typeof predicate !== "function") {
      return filtered(`Filter "${filter.name}" has an invalid condition: ${describeFqlError(predicate)}`);
    }
    if (!predicate(current)) continue;
    const action = filter.action as FilterAction;
    const config = readConfig(action, filter.config);
    if (config === undefined) return filtered(`Filter "${filter.name}" has an invalid config`);
    applied.push({ filterId: filter.id, filterName: filter.name, action });
    if (action === "drop") return filtered(`Dropped by filter "${filter.name}"`);
    if (action === "sample") {
      const percent = config as number;
      if (sampleBucket(sampleKey(message), filter.id) >= percent) {
        return filtered(`Sampled out by filter "${filter.name}" (keeps ${percent}% of matching events)`);
      }
    } else if (action === "drop_fields") {
      current = dropFields(current, config as string[][]);
    } else {
      current = allowFields(current, config as string[][]);
    }
  }
  return { kind: "kept", message: current, applied };
}

const rank = (f: FilterDefinition) => ACTION_ORDER[f.action as FilterAction] ?? -1;

// ---- compiled-condition cache: conditions repeat across every message of a destination ----

const CACHE_LIMIT = 500;
const cache = new Map<string, FqlPredicate | FqlError>();

function compiled(condition: string): FqlPredicate | FqlError {
  let entry = cache.get(condition);
  if (entry !== undefined) {
    cache.delete(condition); // re-insert to keep the Map in least-recently-used order
  } else {
    try {
      entry = compileFql(condition);
    } catch (e) {
      if (!(e instanceof FqlSyntaxError)) throw e;
      entry = e.error;
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  cache.set(condition, entry);
  return entry;
}

/** Sample percent for "sample", split field paths otherwise; undefined when the config is unusable. */
function readConfig(action: FilterAction, raw: unknown): number | string[][] | null | undefined {
  if (action === "drop") return null;
  let config = raw;
  if (typeof config === "string") {
    try {
      config = JSON.parse(config);
    } catch {
      return undefined;
    }
  }
  if (config === null || typeof config !== "object") return undefined;
  if (action === "sample") {
    const percent = (config as { percent?: unknown }).percent;
    return typeof percent === "number" && Number.isFinite(percent) ? percent : undefined;
  }
  const fields = (config as { fields?: unknown }).fields;
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === "string" && f !== "")) return undefined;
  const paths = fields.map((f: string) => f.split("."));
  // Recursion in dropFields/allowFields follows a path's length: refuse what saving would have.
  return paths.every((p) => p.length <= MAX_FIELD_PATH_SEGMENTS) ? paths : undefined;
}

// ---- sampling: a pure hash so replaying a message gives the same decision ----

function sampleKey(message: Message): string {
  const id = message.messageId;
  if (typeof id === "string" || typeof id === "number") return String(id);
  // No messageId (never after ingest): the top-level values that are not objects, which is
  // cheap and cannot recurse however deep the message is.
  return JSON.stringify(Object.entries(message).filter(([, v]) => typeof v !== "object" || v === null));
}

/** Bucket in [0, 100) with two decimals; a message is kept when its bucket is below the percent. */
export function sampleBucket(messageId: string, filterId: string): number {
  // FNV-1a, then murmur3's finalizer so ids that differ in one character still spread evenly.
  let h = 0x811c9dc5;
  const key = `${messageId}\u0000${filterId}`;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) % 10_000) / 100;
}

// ---- field removal: copy-on-write along the touched paths only ----

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function dropFields(message: Message, paths: string[][]): Message {
  let out: unknown = message;
  for (const path of paths) {
    if (path.length === 1 && (PROTECTED_FIELDS as readonly string[]).includes(path[0]!)) continue;
    out = without(out, path);
  }
  return out as Message;
}

/**
 * Arrays are walked through, so `properties.products.price` drops price from every product (as in
 * Segment). One array level per path step: an array inside an array is left alone, so recursion
 * follows the path's length (bounded by the config), never the message's depth.
 */
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

type Tree = Map<string, Tree | true>;

function allowFields(message: Message, paths: string[][]): Message {
  const tree: Tree = new Map();
  for (const field of REQUIRED_FIELDS) tree.set(field, true);
  for (const path of paths) {
    let node = tree;
    for (const [i, key] of path.entries()) {
      const existing = node.get(key);
      if (existing === true) break; // an ancestor is already kept whole
      if (i === path.length - 1) {
        node.set(key, true);
        break;
      }
      const child: Tree = existing ?? new Map();
      node.set(key, child);
      node = child;
    }
  }
  return project(message, tree) as Message;
}

/** Recursion follows the tree (the config's paths); arrays are walked one level, as in without(). */
function project(value: unknown, tree: Tree): unknown {
  if (Array.isArray(value))
    return value.map((item) => projectObject(item, tree)).filter((item) => item !== undefined);
  return projectObject(value, tree);
}

function projectObject(value: unknown, tree: Tree): unknown {
  if (!isObject(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of tree) {
    if (!Object.hasOwn(value, key)) continue;
    const kept = sub === true ? value[key] : project(value[key], sub);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}
