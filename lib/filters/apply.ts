// Applies a destination's filters to one message, the way Segment does: sample, drop, drop fields, allow fields.

import { allowFields, dropFields, MAX_FIELD_PATH_SEGMENTS } from "./fields";
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
      const { percent, path } = config as SampleConfig;
      const bucket = path
        ? sampleBucket(valueKey(current, path), "")
        : sampleBucket(sampleKey(message), filter.id);
      if (bucket >= percent) {
        const per = path ? `, decided per value of ${path.join(".")}` : "";
        return filtered(
          `Sampled out by filter "${filter.name}" (keeps ${percent}% of matching events${per})`,
        );
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

interface SampleConfig {
  percent: number;
  /** Sample by this field's value instead of per message. */
  path?: string[];
}

/** Sample config for "sample", split field paths otherwise; undefined when the config is unusable. */
function readConfig(action: FilterAction, raw: unknown): SampleConfig | string[][] | null | undefined {
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
    const { percent, path } = config as { percent?: unknown; path?: unknown };
    if (typeof percent !== "number" || !Number.isFinite(percent)) return undefined;
    if (path === undefined || path === null) return { percent };
    if (typeof path !== "string" || path === "") return undefined;
    const parts = path.split(".");
    return parts.length <= MAX_FIELD_PATH_SEGMENTS ? { percent, path: parts } : undefined;
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

/**
 * The value at `path` as a hash key: sampling by a field keeps or drops all messages with the
 * same value together (a user's events, with userId). Only the value counts, not the filter, so
 * a user kept at 10% is also kept at 20%, and by every destination sampling the same field at the
 * same rate. A missing value, null, a list or an object all count as "no value" (one decision).
 */
function valueKey(message: Message, path: string[]): string {
  let v: unknown = message;
  for (const key of path) {
    v =
      v !== null && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, key)
        ? (v as Message)[key]
        : null;
  }
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    ? JSON.stringify(v)
    : "null";
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
