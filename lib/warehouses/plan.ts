import { type ColumnType, inferType, type TableRow, type Value } from "./flatten";

// A batch of messages -> one load per table: which columns to add (with their type), every row's
// values in the table's column types, and the type-conflict rule: a value that does not fit its
// column's existing type never fails the load. The column keeps its type, the row gets NULL there,
// and the value is kept as JSON in the row's "_conflicts" text column ({"column": value}).
// Within one batch, a new column seen with integers and decimals is double precision; with any
// other mix of types, text.

/** table -> column -> type, as the warehouse has them. */
export type TableColumns = Map<string, Map<string, ColumnType>>;

export interface Selection {
  tables: ReadonlySet<string>;
  /** "table.column" */
  columns: ReadonlySet<string>;
}

export interface TableLoad {
  table: string;
  mode: "insert" | "upsert";
  exists: boolean;
  /** Columns to create (new table) or add, in order. */
  add: [string, ColumnType][];
  /** Every column the rows carry, in order; "id" first. */
  columns: string[];
  types: ColumnType[];
  /** Values as COPY text (null for NULL), one array per row, aligned with `columns`. */
  rows: (string | null)[][];
  conflicts: number;
}

/** The most columns a table is allowed (PostgreSQL's own limit is 1,600). */
export const MAX_COLUMNS = 1500;
export const CONFLICTS = "_conflicts";

function merge(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b) return a;
  const numeric = new Set<ColumnType>(["bigint", "double precision"]);
  return numeric.has(a) && numeric.has(b) ? "double precision" : "text";
}

/** The value in the column's type, or undefined when it does not fit (a conflict). */
export function coerce(value: Value, type: ColumnType): string | undefined {
  const own = inferType(value);
  if (type === "text") return typeof value === "string" ? value : String(value);
  if (own === type) return String(value);
  if (type === "double precision" && own === "bigint") return String(value);
  return undefined;
}

/** Users/accounts rows of one batch merged per id, later messages winning key by key. */
function mergeUpserts(rows: TableRow[]): TableRow[] {
  const byId = new Map<string, TableRow>();
  for (const r of rows) {
    const id = String(r.row.get("id"));
    const prev = byId.get(id);
    if (prev) for (const [k, v] of r.row) prev.row.set(k, v);
    else byId.set(id, { ...r, row: new Map(r.row) });
  }
  return [...byId.values()];
}

/** Inserted rows of one batch deduplicated on id (the first copy wins, like the warehouse does). */
function firstPerId(rows: TableRow[]): TableRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const id = String(r.row.get("id"));
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export function planTable(
  table: string,
  input: TableRow[],
  existing: Map<string, ColumnType> | undefined,
  selection: Selection,
): TableLoad {
  const mode = input[0]!.mode;
  const rows = mode === "upsert" ? mergeUpserts(input) : firstPerId(input);
  const known = new Map(existing ?? []);
  const fresh = new Map<string, ColumnType>();
  const off = columnsOff(selection, table);
  for (const r of rows)
    for (const [col, value] of r.row) {
      if (known.has(col) || (off.size && off.has(col))) continue;
      const t = r.fixed?.get(col) ?? inferType(value);
      const before = fresh.get(col);
      fresh.set(col, before ? merge(before, t) : t);
    }
  const add: [string, ColumnType][] = [];
  // id first, so a new table is created with its primary key in front.
  const ordered = [...fresh.entries()].sort(([a], [b]) => (a === "id" ? -1 : b === "id" ? 1 : 0));
  for (const [col, t] of ordered) {
    if (known.size + add.length >= MAX_COLUMNS && col !== "id") continue;
    add.push([col, t]);
  }
  for (const [col, t] of add) known.set(col, t);
  const overflow = add.length < fresh.size;
  const used = new Set<string>();
  for (const r of rows) for (const col of r.row.keys()) if (known.has(col)) used.add(col);
  const columns = ["id", ...[...used].filter((c) => c !== "id").sort()];
  const types = columns.map((c) => known.get(c)!);
  let conflicts = 0;
  const out: (string | null)[][] = [];
  let anyConflict = false;
  for (const r of rows) {
    const values: (string | null)[] = [];
    let kept: Record<string, Value> | null = null;
    for (let i = 0; i < columns.length; i++) {
      const col = columns[i]!;
      const v = r.row.get(col);
      if (v === undefined) {
        values.push(null);
        continue;
      }
      const fitted = coerce(v, types[i]!);
      if (fitted === undefined) {
        kept ??= {};
        kept[col] = v;
        conflicts++;
      }
      values.push(fitted ?? null);
    }
    // Keys that found no column (over MAX_COLUMNS) are kept too, never silently lost.
    if (overflow)
      for (const [col, v] of r.row)
        if (!known.has(col) && !off.has(col)) {
          kept ??= {};
          kept[col] = v;
        }
    if (kept) anyConflict = true;
    out.push(kept ? [...values, JSON.stringify(kept)] : values);
  }
  if (anyConflict) {
    if (!known.has(CONFLICTS)) add.push([CONFLICTS, "text"]);
    columns.push(CONFLICTS);
    types.push("text");
    for (const v of out) if (v.length < columns.length) v.push(null);
  }
  return { table, mode, exists: existing !== undefined, add, columns, types, rows: out, conflicts };
}

/** The switched-off columns of one table. */
function columnsOff(selection: Selection, table: string): ReadonlySet<string> {
  const out = new Set<string>();
  const prefix = `${table}.`;
  for (const key of selection.columns) if (key.startsWith(prefix)) out.add(key.slice(prefix.length));
  return out;
}

/** Rows of one batch grouped per table, switched-off tables and columns left out. */
export function planBatch(rows: TableRow[], schema: TableColumns, selection: Selection): TableLoad[] {
  const byTable = new Map<string, TableRow[]>();
  const offOf = new Map<string, ReadonlySet<string>>();
  for (const r of rows) {
    if (selection.tables.has(r.table)) continue;
    let off = offOf.get(r.table);
    if (!off) {
      off = columnsOff(selection, r.table);
      offOf.set(r.table, off);
    }
    if (off.size) for (const col of off) if (col !== "id") r.row.delete(col);
    const list = byTable.get(r.table) ?? [];
    list.push(r);
    byTable.set(r.table, list);
  }
  return [...byTable.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([table, list]) => planTable(table, list, schema.get(table), selection));
}
