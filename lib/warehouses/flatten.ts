import { CALL_TABLES, eventTable, snakeCase } from "./naming";
import type { ColumnType, Value } from "./types";

// One archived message -> the rows it adds to Segment's warehouse tables (docs/warehouses.md).
// Nested objects are flattened with "_" (context.page.path -> context_page_path), arrays are
// stored as JSON text, null and undefined values add nothing; column types are inferred from the
// values where a batch is planned (plan.ts). Nothing here can be made slow by input: depth and key
// counts are capped, and the name caches are bounded.
//
// Messages are written straight into a RowSink: the loader's sink (plan.ts, BatchBuilder) keeps one
// array of values per column and table, so no object is built per row; messageRows() below collects
// Maps instead, for tests and for reading one message's rows.

export type { ColumnType, Value } from "./types";
/** Column -> value. */
export type Row = Map<string, Value>;
export type Mode = "insert" | "upsert";

export interface TableRow {
  table: string;
  /** "insert": deduplicated on id. "upsert": users/accounts, the latest values per id win. */
  mode: Mode;
  row: Row;
  /** Columns whose type is fixed whatever the value (ids and timestamps). */
  fixed?: ReadonlyMap<string, ColumnType>;
}

/** Receives one row's values; setting a column twice keeps the later value. */
export interface RowWriter {
  set(col: string, value: Value): void;
}

/** Where a message's rows go. `row` returns null when the row is not wanted (a duplicate id, a table switched off). */
export interface RowSink {
  row(table: string, mode: Mode, fixed: ReadonlyMap<string, ColumnType>, id: string): RowWriter | null;
}

export const MAX_DEPTH = 8;
export const MAX_KEYS = 2000;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * How keys under one object become column names: keys in `reserved` (top level only) get `clash`
 * put in front. Each scope caches, per path and key, the path nested objects continue under and
 * the leaf column (keys repeat in every message; building and hashing the names was a large part
 * of the loader's time).
 */
export interface Scope {
  /** Its place in `scopes`. */
  id: number;
  reserved: ReadonlySet<string>;
  clash: string;
  /** path -> key -> names, or null when the key has no usable characters. */
  names: Map<string, Map<string, Names | null>>;
}
interface Names {
  /** The path of the key's children (not cut to 63 characters). */
  nested: string;
  /** The column of a leaf value. */
  leaf: string;
}

const NAMES_MAX = 50_000;
let namesSize = 0;
const scopes: Scope[] = [];
const scope = (reserved: ReadonlySet<string>, clash: string): Scope => {
  const s = { id: scopes.length, reserved, clash, names: new Map() };
  scopes.push(s);
  return s;
};

export function names(s: Scope, path: string, key: string): Names | null {
  let byKey = s.names.get(path);
  const hit = byKey?.get(key);
  if (hit !== undefined) return hit;
  const part = snakeCase(key);
  let out: Names | null = null;
  if (part) {
    const nested = path ? `${path}_${part}` : part;
    let leaf = nested.length > 63 ? nested.slice(0, 63).replace(/_+$/, "") : nested;
    if (!path && s.reserved.has(leaf)) leaf = `${s.clash}${leaf}`.slice(0, 63);
    out = { nested, leaf };
  }
  if (key.length <= 200 && path.length <= 200) {
    if (namesSize >= NAMES_MAX) {
      for (const sc of scopes) sc.names.clear();
      namesSize = 0;
      byKey = undefined;
    }
    if (!byKey) {
      byKey = new Map();
      s.names.set(path, byKey);
    }
    byKey.set(key, out);
    namesSize++;
  }
  return out;
}

/** Adds `obj` flattened under `prefix` to `out`. */
function flattenInto(out: RowWriter, obj: unknown, prefix: string, s: Scope): void {
  if (!isObject(obj)) return;
  walk({ out, scope: s, budget: MAX_KEYS }, obj, prefix, 0);
}

interface Walk {
  out: RowWriter;
  scope: Scope;
  budget: number;
}

function walk(w: Walk, o: Record<string, unknown>, path: string, depth: number): void {
  for (const key in o) {
    if (!Object.hasOwn(o, key)) continue;
    if (--w.budget < 0) return;
    const n = names(w.scope, path, key);
    if (!n) continue;
    const value = o[key];
    if (value === null || value === undefined) continue;
    if (typeof value === "object" && !Array.isArray(value) && depth < MAX_DEPTH) {
      walk(w, value as Record<string, unknown>, n.nested, depth + 1);
      continue;
    }
    if (typeof value === "number" && !Number.isFinite(value)) continue;
    w.out.set(
      n.leaf,
      typeof value === "string" || typeof value === "number" || typeof value === "boolean"
        ? value
        : JSON.stringify(value),
    );
  }
}

const TS: ColumnType = "timestamptz";
export const COMMON_FIXED = new Map<string, ColumnType>([
  ["id", "text"],
  ["received_at", TS],
  ["sent_at", TS],
  ["timestamp", TS],
  ["original_timestamp", TS],
  ["uuid_ts", TS],
  ["user_id", "text"],
  ["anonymous_id", "text"],
  ["event", "text"],
  ["event_text", "text"],
  ["name", "text"],
  ["category", "text"],
  ["group_id", "text"],
  ["previous_id", "text"],
]);
export const USERS_FIXED = new Map<string, ColumnType>([
  ["id", "text"],
  ["received_at", TS],
  ["uuid_ts", TS],
]);
/**
 * Columns flattened properties and traits may not take in a table: they get "properties_" or
 * "traits_" in front (a trait "name" is the groups table's name column, but not the pages table's).
 */
const BASE_RESERVED = [
  "id",
  "received_at",
  "sent_at",
  "timestamp",
  "original_timestamp",
  "uuid_ts",
  "user_id",
  "anonymous_id",
  "_conflicts",
];
const reserved = (...extra: string[]): ReadonlySet<string> => new Set([...BASE_RESERVED, ...extra]);
export const RESERVED = {
  event: reserved("event", "event_text"),
  page: reserved("name", "category"),
  identify: reserved(),
  group: reserved("group_id"),
  upsert: new Set(["id", "received_at", "uuid_ts", "_conflicts"]) as ReadonlySet<string>,
};
export const SCOPES = {
  context: scope(new Set(), ""),
  event: scope(RESERVED.event, "properties_"),
  page: scope(RESERVED.page, "properties_"),
  identify: scope(RESERVED.identify, "traits_"),
  group: scope(RESERVED.group, "traits_"),
  upsert: scope(RESERVED.upsert, "traits_"),
};

const str = (v: unknown): string | null =>
  typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : null;

export interface ArchivedMessage {
  seq: number;
  receivedAt: number;
  payload: string;
  /** The source's Protocols verdict stored at ingest (Message.protocol), or null. */
  protocol?: string | null;
  /**
   * The payload's UTF-8 bytes, from..to of `bytes` (a NUL after them), when the archive was read
   * in chunks (archive.ts): the scan (scan.ts) reads them where they lie.
   */
  bytes?: Buffer | null;
  from?: number;
  to?: number;
}

/** The common columns of the message being written (id, timestamps, ids, context_*), in order. */
const common = {
  cols: [] as string[],
  values: [] as Value[],
  set(col: string, value: Value) {
    this.cols.push(col);
    this.values.push(value);
  },
};

/** A call table's row, starting with the common columns; null when the sink does not want it. */
function callRow(sink: RowSink, table: string, id: string): RowWriter | null {
  const w = sink.row(table, "insert", COMMON_FIXED, id);
  if (w) for (let i = 0; i < common.cols.length; i++) w.set(common.cols[i]!, common.values[i]!);
  return w;
}

function upsertRow(
  sink: RowSink,
  table: string,
  key: string,
  receivedAt: string,
  loadedAt: string,
  traits: unknown,
) {
  const w = sink.row(table, "upsert", USERS_FIXED, key);
  if (!w) return;
  w.set("id", key);
  w.set("received_at", receivedAt);
  w.set("uuid_ts", loadedAt);
  flattenInto(w, traits, "", SCOPES.upsert);
}

/** Whether a message of this type (and event, for a track) is one of the six calls the warehouse loads. */
export function isCall(type: unknown, event: string | null): boolean {
  if (type === "track") return !!event;
  return type === "page" || type === "screen" || type === "identify" || type === "group" || type === "alias";
}

let lastReceived = Number.NaN;
let lastReceivedIso = "";

/** A message's receivedAt as ISO text (messages of one ingest batch share it). */
export function receivedIso(receivedAt: number): string {
  if (receivedAt !== lastReceived) {
    lastReceivedIso = new Date(receivedAt).toISOString();
    lastReceived = receivedAt;
  }
  return lastReceivedIso;
}

/**
 * Writes the rows of one accepted message into `sink`. False (nothing written) when it is not one
 * of the six calls or has no messageId.
 */
export function writeMessage(sink: RowSink, msg: ArchivedMessage, loadedAt: string): boolean {
  let m: unknown;
  try {
    m = JSON.parse(msg.payload);
  } catch {
    return false;
  }
  if (!isObject(m)) return false;
  const id = str(m.messageId);
  if (!id) return false;
  const type = m.type;
  const event = type === "track" ? str(m.event) : null;
  if (!isCall(type, event)) return false;
  const receivedAt = receivedIso(msg.receivedAt);
  common.cols.length = 0;
  common.values.length = 0;
  common.set("id", id);
  common.set("received_at", receivedAt);
  common.set("uuid_ts", loadedAt);
  const sentAt = str(m.sentAt);
  if (sentAt !== null) common.set("sent_at", sentAt);
  const timestamp = str(m.timestamp);
  if (timestamp !== null) common.set("timestamp", timestamp);
  const original = str(m.originalTimestamp);
  if (original !== null) common.set("original_timestamp", original);
  const userIdText = str(m.userId);
  if (userIdText !== null) common.set("user_id", userIdText);
  const anonymousId = str(m.anonymousId);
  if (anonymousId !== null) common.set("anonymous_id", anonymousId);
  flattenInto(common, m.context, "context", SCOPES.context);
  switch (type) {
    case "track": {
      const e = event as string;
      const table = eventTable(e);
      const tracks = callRow(sink, "tracks", id);
      tracks?.set("event", table ?? "");
      tracks?.set("event_text", e);
      if (table && !CALL_TABLES.has(table)) {
        const row = callRow(sink, table, id);
        if (row) {
          row.set("event", table);
          row.set("event_text", e);
          flattenInto(row, m.properties, "", SCOPES.event);
        }
      }
      break;
    }
    case "page":
    case "screen": {
      const row = callRow(sink, type === "page" ? "pages" : "screens", id);
      if (!row) break;
      const name = str(m.name);
      if (name !== null) row.set("name", name);
      const category = str(m.category);
      if (category !== null) row.set("category", category);
      flattenInto(row, m.properties, "", SCOPES.page);
      break;
    }
    case "identify": {
      const traits = m.traits;
      const row = callRow(sink, "identifies", id);
      if (row) flattenInto(row, traits, "", SCOPES.identify);
      if (userIdText) upsertRow(sink, "users", userIdText, receivedAt, loadedAt, traits);
      break;
    }
    case "group": {
      const groupId = str(m.groupId);
      const row = callRow(sink, "groups", id);
      if (row) {
        if (groupId !== null) row.set("group_id", groupId);
        flattenInto(row, m.traits, "", SCOPES.group);
      }
      if (groupId) upsertRow(sink, "accounts", groupId, receivedAt, loadedAt, m.traits);
      break;
    }
    default: {
      const row = callRow(sink, "aliases", id);
      const previous = str(m.previousId);
      if (row && previous !== null) row.set("previous_id", previous);
    }
  }
  return true;
}

/** Collects each row as a Map (tests, and reading one message's rows). */
class RowCollector implements RowSink {
  readonly rows: TableRow[] = [];
  row(table: string, mode: Mode, fixed: ReadonlyMap<string, ColumnType>, _id: string): RowWriter {
    const row: Row = new Map();
    this.rows.push({ table, mode, row, fixed });
    return row;
  }
}

/** The rows of one accepted message, or [] when it is not one of the six calls or has no messageId. */
export function messageRows(msg: ArchivedMessage, loadedAt: string): TableRow[] {
  const sink = new RowCollector();
  return writeMessage(sink, msg, loadedAt) ? sink.rows : [];
}
