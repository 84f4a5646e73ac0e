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
