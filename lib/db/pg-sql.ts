// The few SQL differences between the SQLite stores and their PostgreSQL twins, in one place:
// placeholders (? -> $n) and case-insensitive LIKE. The stores' SQL is otherwise shared.

/** Rewrites `?` placeholders to `$1, $2, …` (the stores' SQL has no `?` inside literals). */
export function pgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE does the same for the debugger's search. */
export function pgLike(sql: string): string {
  return sql.replace(/\bLIKE\b/g, "ILIKE");
}

export function toPg(sql: string): string {
  return pgPlaceholders(pgLike(sql));
}

// Columns for `unnest(…)` statements, packed so node-postgres does not build an array literal
// element by element (it escapes every `"` and `\` of every value: for the archive's JSON
// payloads that was most of the ingest process's garbage). A text column travels as ONE text
// parameter, its values joined by U+001E and NULL written as U+001F, split on the server by
// string_to_array; JSON text never holds either character raw, and a column whose values do
// (or a single-row column, which string_to_array would read as empty) falls back to the array.
// A numeric column travels as its array literal, joined natively.
const SEP = "\u001e";
const NULL_MARK = "\u001f";
// biome-ignore lint/suspicious/noControlCharactersInRegex: these two are exactly what it looks for
const RESERVED = /[\u001e\u001f]/;

export type PgColumnType = "text" | "int" | "bigint";

export interface PackedColumn {
  /** The SQL for the array, e.g. `string_to_array($3::text, E'\x1e', E'\x1f')` or `$3::int[]`. */
  sql: string;
  value: unknown;
}

export function packColumn(values: readonly unknown[], type: PgColumnType, param: number): PackedColumn {
  const plain = { sql: `$${param}::${type}[]`, value: values };
  if (type === "text") {
    if (values.length < 2) return plain;
    for (const v of values) if (v !== null && (typeof v !== "string" || RESERVED.test(v))) return plain;
    return {
      sql: `string_to_array($${param}::text, E'\\x1e', E'\\x1f')`,
      value: values.map((v) => v ?? NULL_MARK).join(SEP),
    };
  }
  for (const v of values) if (typeof v !== "number" || !Number.isSafeInteger(v)) return plain;
  return { sql: plain.sql, value: `{${values.join(",")}}` };
}
