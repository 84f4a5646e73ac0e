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
// The joined text is written straight into a Buffer as UTF-8 (node-postgres sends a Buffer as the
// parameter's binary form, which for text is exactly its UTF-8 bytes): joining ~5,000 JSON
// payloads into one string and then encoding that string for the socket cost about four times as
// much. A numeric column travels as its array literal, joined natively.
const SEP = 0x1e;
const NULL_MARK = 0x1f;

export type PgColumnType = "text" | "int" | "bigint";

export interface PackedColumn {
  /** The SQL for the array, e.g. `string_to_array($3::text, E'\x1e', E'\x1f')` or `$3::int[]`. */
  sql: string;
  value: unknown;
}

/** How many times `byte` occurs in `buf`, counting no further than `limit + 1`. */
function occurrences(buf: Buffer, byte: number, limit: number): number {
  let n = 0;
  for (let i = buf.indexOf(byte); i !== -1 && n <= limit; i = buf.indexOf(byte, i + 1)) n++;
  return n;
}

export function packColumn(values: readonly unknown[], type: PgColumnType, param: number): PackedColumn {
  const plain = { sql: `$${param}::${type}[]`, value: values };
  if (type === "text") {
    if (values.length < 2) return plain;
    const lengths = new Array<number>(values.length);
    let total = values.length - 1;
    let nulls = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        nulls++;
        lengths[i] = 1;
      } else if (typeof v === "string") lengths[i] = Buffer.byteLength(v, "utf8");
      else return plain;
      total += lengths[i]!;
    }
    const joined = Buffer.allocUnsafe(total);
    let at = 0;
    for (let i = 0; i < values.length; i++) {
      if (i > 0) joined[at++] = SEP;
      const v = values[i];
      if (typeof v === "string") at += joined.write(v, at, lengths[i]!, "utf8");
      else joined[at++] = NULL_MARK;
    }
    // UTF-8 writes these two bytes only for the characters themselves: any beyond the separators
    // and NULL marks written above means a value holds one, and the column goes as an array.
    if (
      occurrences(joined, SEP, values.length - 1) !== values.length - 1 ||
      occurrences(joined, NULL_MARK, nulls) !== nulls
    )
      return plain;
    return { sql: `string_to_array($${param}::text, E'\\x1e', E'\\x1f')`, value: joined };
  }
  for (const v of values) if (typeof v !== "number" || !Number.isSafeInteger(v)) return plain;
  return { sql: plain.sql, value: `{${values.join(",")}}` };
}
