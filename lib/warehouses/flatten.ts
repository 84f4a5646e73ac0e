import { CALL_TABLES, eventTable, snakeCase } from "./naming";

// One archived message -> the rows it adds to Segment's warehouse tables (docs/warehouses.md).
// Nested objects are flattened with "_" (context.page.path -> context_page_path), arrays are
// stored as JSON text, null and undefined values add nothing, and every value carries the column
// type inferred from it. Nothing here can be made slow by input: depth and key counts are capped.

export type ColumnType = "bigint" | "double precision" | "boolean" | "timestamptz" | "text";
export type Value = string | number | boolean;
/** Column -> value; the type is inferred again where the value is placed (inferType). */
export type Row = Map<string, Value>;

export interface TableRow {
  table: string;
  /** "insert": deduplicated on id. "upsert": users/accounts, the latest values per id win. */
  mode: "insert" | "upsert";
  row: Row;
  /** Columns whose type is fixed whatever the value (ids and timestamps). */
  fixed?: ReadonlyMap<string, ColumnType>;
}

const MAX_DEPTH = 8;
const MAX_KEYS = 2000;
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

export function isIsoTimestamp(s: string): boolean {
  // Cheap checks first: most strings are not dates ("YYYY-" is required).
  if (
    s.length < 10 ||
    s.length > 40 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(0) > 57 ||
    s.charCodeAt(0) < 48
  )
    return false;
  return ISO.test(s) && !Number.isNaN(Date.parse(s));
}

export function inferType(v: Value): ColumnType {
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return Number.isSafeInteger(v) ? "bigint" : "double precision";
  return isIsoTimestamp(v) ? "timestamptz" : "text";
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Adds `obj` flattened under `prefix` to `row`; keys in `reserved` get `clash` put in front. */
export function flattenInto(
  row: Row,
  obj: unknown,
  prefix: string,
  reserved?: ReadonlySet<string>,
  clash = "",
): void {
  if (!isObject(obj)) return;
  walk({ row, reserved, clash, budget: MAX_KEYS }, obj, prefix, 0);
}

interface Walk {
  row: Row;
  reserved: ReadonlySet<string> | undefined;
  clash: string;
  budget: number;
}

function walk(w: Walk, o: Record<string, unknown>, path: string, depth: number): void {
  for (const key in o) {
    if (!Object.hasOwn(o, key)) continue;
    if (--w.budget < 0) return;
    const part = snakeCase(key);
    if (!part) continue;
    let col = path ? `${path}_${part}` : part;
    const value = o[key];
    if (value === null || value === undefined) continue;
    if (typeof value === "object" && !Array.isArray(value) && depth < MAX_DEPTH) {
      walk(w, value as Record<string, unknown>, col, depth + 1);
      continue;
    }
    if (col.length > 63) col = col.slice(0, 63).replace(/_+$/, "");
    if (!path && w.reserved?.has(col)) col = `${w.clash}${col}`.slice(0, 63);
    if (typeof value === "number" && !Number.isFinite(value)) continue;
    w.row.set(
      col,
      typeof value === "string" || typeof value === "number" || typeof value === "boolean"
        ? value
        : JSON.stringify(value),
    );
  }
}

const TS: ColumnType = "timestamptz";
const COMMON_FIXED = new Map<string, ColumnType>([
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
const USERS_FIXED = new Map<string, ColumnType>([
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

const str = (v: unknown): string | null =>
  typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : null;

export interface ArchivedMessage {
  seq: number;
  receivedAt: number;
  payload: string;
}

/** The rows of one accepted message, or [] when it is not one of the six calls or has no messageId. */
export function messageRows(msg: ArchivedMessage, loadedAt: string): TableRow[] {
  let m: unknown;
  try {
    m = JSON.parse(msg.payload);
  } catch {
    return [];
  }
  if (!isObject(m)) return [];
  const id = str(m.messageId);
  if (!id) return [];
  const receivedAt = new Date(msg.receivedAt).toISOString();
  const common: Row = new Map<string, Value>([
    ["id", id],
    ["received_at", receivedAt],
    ["uuid_ts", loadedAt],
  ]);
  for (const [col, key] of [
    ["sent_at", "sentAt"],
    ["timestamp", "timestamp"],
    ["original_timestamp", "originalTimestamp"],
    ["user_id", "userId"],
    ["anonymous_id", "anonymousId"],
  ] as const) {
    const v = str(m[key]);
    if (v !== null) common.set(col, v);
  }
  flattenInto(common, m.context, "context");
  const out: TableRow[] = [];
  switch (m.type) {
    case "track": {
      const event = str(m.event);
      if (!event) return [];
      const table = eventTable(event);
      const tracks = callRow(out, "tracks", common);
      tracks.set("event", table ?? "");
      tracks.set("event_text", event);
      if (table && !CALL_TABLES.has(table)) {
        const row = callRow(out, table, tracks);
        flattenInto(row, m.properties, "", RESERVED.event, "properties_");
      }
      break;
    }
    case "page":
    case "screen": {
      const row = callRow(out, m.type === "page" ? "pages" : "screens", common);
      const name = str(m.name);
      if (name !== null) row.set("name", name);
      const category = str(m.category);
      if (category !== null) row.set("category", category);
      flattenInto(row, m.properties, "", RESERVED.page, "properties_");
      break;
    }
    case "identify": {
      const traits = m.traits;
      flattenInto(callRow(out, "identifies", common), traits, "", RESERVED.identify, "traits_");
      const userId = str(m.userId);
      if (userId) upsertRow(out, "users", userId, receivedAt, loadedAt, traits);
      break;
    }
    case "group": {
      const groupId = str(m.groupId);
      const row = callRow(out, "groups", common);
      if (groupId !== null) row.set("group_id", groupId);
      flattenInto(row, m.traits, "", RESERVED.group, "traits_");
      if (groupId) upsertRow(out, "accounts", groupId, receivedAt, loadedAt, m.traits);
      break;
    }
    case "alias": {
      const row = callRow(out, "aliases", common);
      const previous = str(m.previousId);
      if (previous !== null) row.set("previous_id", previous);
      break;
    }
    default:
      return [];
  }
  return out;
}

/** A call table's row, starting from `base` (the common columns), added to `out`. */
function callRow(out: TableRow[], table: string, base: Row): Row {
  const row = new Map(base);
  out.push({ table, mode: "insert", row, fixed: COMMON_FIXED });
  return row;
}

function upsertRow(
  out: TableRow[],
  table: string,
  key: string,
  receivedAt: string,
  loadedAt: string,
  traits: unknown,
) {
  const row: Row = new Map<string, Value>([
    ["id", key],
    ["received_at", receivedAt],
    ["uuid_ts", loadedAt],
  ]);
  flattenInto(row, traits, "", RESERVED.upsert, "traits_");
  out.push({ table, mode: "upsert", row, fixed: USERS_FIXED });
}
