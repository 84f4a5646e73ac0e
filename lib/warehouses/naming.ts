// Names in the warehouse: Segment's warehouse schema snake_cases every key, event and source slug.
// PostgreSQL folds and limits identifiers (63 bytes), so names are reduced to [a-z0-9_], start
// with a letter or _, and are cut at 63 characters.

const MAX_IDENT = 63;

// Keys repeat in every message: their names are computed once (bounded, so odd input cannot grow it).
const cache = new Map<string, string | null>();
const CACHE_MAX = 20_000;

/** "Order Completed" -> "order_completed", "orderId" -> "order_id", "$Plan 2" -> "plan_2". Null when nothing is left. */
export function snakeCase(input: string): string | null {
  const hit = cache.get(input);
  if (hit !== undefined) return hit;
  const name = computeSnakeCase(input);
  if (cache.size >= CACHE_MAX) cache.clear();
  if (input.length <= 200) cache.set(input, name);
  return name;
}

function computeSnakeCase(input: string): string | null {
  const s = input
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!s) return null;
  const safe = /^[0-9]/.test(s) ? `_${s}` : s;
  return safe.slice(0, MAX_IDENT).replace(/_+$/, "") || null;
}

/** The call tables; a track event whose name snake_cases to one of them gets "_event" appended. */
export const CALL_TABLES = new Set([
  "tracks",
  "identifies",
  "users",
  "pages",
  "screens",
  "groups",
  "accounts",
  "aliases",
]);

/** The per-event table of a track call, or null when the event name has no usable characters. */
export function eventTable(event: string): string | null {
  const name = snakeCase(event);
  if (!name) return null;
  return CALL_TABLES.has(name) || name.startsWith("_") ? `${name.slice(0, MAX_IDENT - 6)}_event` : name;
}

/** The default schema of a source: its slug in snake case. */
export function defaultSchemaName(slug: string): string {
  return snakeCase(slug) ?? "source";
}

/** Schema names an owner may choose: what snakeCase produces, and not PostgreSQL's own. */
export function schemaNameProblem(name: string): string | null {
  if (snakeCase(name) !== name)
    return "Use lower-case letters, digits and _ (at most 63), starting with a letter";
  if (/^(pg_|information_schema$|public$)/.test(name)) return `"${name}" is reserved by PostgreSQL`;
  return null;
}

/** Double-quoted PostgreSQL identifier. Names come from snakeCase, the quotes guard the rest. */
export const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
