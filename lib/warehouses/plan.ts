import type { Mode, RowSink, RowWriter, TableRow } from "./flatten";
import { type ColumnType, inferType, isIsoTimestamp, type Value } from "./types";

// A batch of messages -> one load per table: which columns to add (with their type), every row's
// values in the table's column types, and the type-conflict rule: a value that does not fit its
// column's existing type never fails the load. The column keeps its type, the row gets NULL there,
// and the value is kept as JSON in the row's "_conflicts" text column ({"column": value}).
// Within one batch, a new column seen with integers and decimals is double precision; with any
// other mix of types, text.
//
// Messages are flattened into a BatchBuilder: per table, one array of values per column (row i of
// the batch at index i), so a batch of 10,000 messages allocates a few hundred arrays rather than a
// Map per row, and types are inferred and values fitted column by column.

/** table -> column -> type, as the warehouse has them. */
export type TableColumns = Map<string, Map<string, ColumnType>>;

export interface Selection {
  tables: ReadonlySet<string>;
  /** "table.column" */
  columns: ReadonlySet<string>;
}

export interface TableLoad {
  table: string;
  mode: Mode;
  exists: boolean;
  /** Columns to create (new table) or add, in order. */
  add: [string, ColumnType][];
  /** Every column the rows carry, in order; "id" first. */
  columns: string[];
  types: ColumnType[];
  /** How many rows. */
  count: number;
  /**
   * The values, one array per column (aligned with `columns`), row i at index i; null, undefined
   * or past the array's end is NULL. Every value fits its column's type: its text (String(value))
   * is the column's value. rowsOf() turns them into rows of text.
   */
  values: Cell[][];
  conflicts: number;
}

/** The most columns a table is allowed (PostgreSQL's own limit is 1,600). */
export const MAX_COLUMNS = 1500;
export const CONFLICTS = "_conflicts";

function merge(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b) return a;
  const numeric = (t: ColumnType) => t === "bigint" || t === "double precision";
  return numeric(a) && numeric(b) ? "double precision" : "text";
}

/** One value of a planned column: null or undefined is NULL. */
export type Cell = Value | null | undefined;

/** Whether the value can be stored in a column of this type (its text is then the column's value). */
export function fits(value: Value, type: ColumnType): boolean {
  switch (type) {
    case "text":
      return true;
    case "bigint":
      return typeof value === "number" && Number.isSafeInteger(value);
    case "double precision":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "timestamptz":
      return typeof value === "string" && isIsoTimestamp(value);
  }
}

/** The value in the column's type, or undefined when it does not fit (a conflict). */
export function coerce(value: Value, type: ColumnType): string | undefined {
  return fits(value, type) ? String(value) : undefined;
}

/**
 * One table's rows of a batch, column by column. Call tables keep the first row per id (the
 * warehouse's dedup); users/accounts merge the rows of one id, later values winning key by key.
 */
export class TableBuilder implements RowWriter {
  /** column -> value per row (undefined: no value), in the order columns were first seen. */
  readonly cols = new Map<string, (Value | undefined)[]>();
  private readonly index = new Map<string, number>();
  count = 0;
  private at = 0;

  constructor(
    readonly table: string,
    readonly mode: Mode,
    readonly fixed: ReadonlyMap<string, ColumnType>,
  ) {}

  /** Starts (or, for upserts, goes back to) the row of `id`; false when an insert's id was seen. */
  start(id: string): boolean {
    const seen = this.index.get(id);
    if (seen !== undefined) {
      if (this.mode === "insert") return false;
      this.at = seen;
      return true;
    }
    this.at = this.count++;
    this.index.set(id, this.at);
    return true;
  }

  set(col: string, value: Value): void {
    let values = this.cols.get(col);
    if (!values) {
      values = [];
      this.cols.set(col, values);
    }
    const at = this.at;
    while (values.length < at) values.push(undefined);
    if (this.mode === "upsert" && values[at] === undefined) this.firstSeen(col, at);
    values[at] = value;
  }

  /**
   * Upserts revisit rows, so the order columns were first seen is not the order of rows: this
   * keeps, per column, the first row holding it and its place among that row's keys.
   */
  private readonly keysPerRow: number[] = [];
  private readonly first = new Map<string, number>();
  private firstSeen(col: string, row: number) {
    const place = this.keysPerRow[row] ?? 0;
    this.keysPerRow[row] = place + 1;
    const rank = row * (MAX_KEYS_PER_ROW + 1) + place;
    const before = this.first.get(col);
    if (before === undefined || rank < before) this.first.set(col, rank);
  }

  /** The columns in the order the batch's rows (merged per id for upserts) first hold them. */
  columnOrder(): string[] {
    const cols = [...this.cols.keys()];
    if (this.mode !== "upsert") return cols;
    return cols.sort((a, b) => this.first.get(a)! - this.first.get(b)!);
  }
}

/** More keys than a row can get from flattening (MAX_KEYS per object, a few fixed columns). */
const MAX_KEYS_PER_ROW = 1 << 20;

/** The RowSink the loader flattens a batch into: one TableBuilder per table not switched off. */
export class BatchBuilder implements RowSink {
  readonly tables = new Map<string, TableBuilder>();

  constructor(private readonly selection: Selection) {}

  row(table: string, mode: Mode, fixed: ReadonlyMap<string, ColumnType>, id: string): RowWriter | null {
    let t = this.tables.get(table);
    if (!t) {
      if (this.selection.tables.has(table)) return null;
      t = new TableBuilder(table, mode, fixed);
      this.tables.set(table, t);
    }
    return t.start(id) ? t : null;
  }
}

const NO_FIXED: ReadonlyMap<string, ColumnType> = new Map();

/** Plans rows given as Maps (tests and callers with a handful of rows). */
export function planTable(
  table: string,
  input: TableRow[],
  existing: Map<string, ColumnType> | undefined,
  selection: Selection,
): TableLoad {
  const b = new TableBuilder(table, input[0]!.mode, input[0]!.fixed ?? NO_FIXED);
  for (const r of input) if (b.start(String(r.row.get("id")))) for (const [col, v] of r.row) b.set(col, v);
  return planBuilt(b, existing, selection);
}

/** The type a new column gets from its values in this batch. */
function inferColumn(values: (Value | undefined)[]): ColumnType | undefined {
  let t: ColumnType | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined) continue;
    const own = inferType(v);
    t = t === undefined ? own : merge(t, own);
    if (t === "text") break;
  }
  return t;
}

export function planBuilt(
  b: TableBuilder,
  existing: Map<string, ColumnType> | undefined,
  selection: Selection,
): TableLoad {
  const { table, mode, count } = b;
  const known = new Map(existing ?? []);
  const off = columnsOff(selection, table);
  // Switched-off columns are left out entirely (id never is).
  const present = b.columnOrder().filter((col) => col === "id" || !off.has(col));
  const fresh = new Map<string, ColumnType>();
  for (const col of present) {
    if (known.has(col) || (off.size && off.has(col))) continue;
    const t = b.fixed.get(col) ?? inferColumn(b.cols.get(col)!);
    if (t) fresh.set(col, t);
  }
  const add: [string, ColumnType][] = [];
  // id first, so a new table is created with its primary key in front.
  const ordered = [...fresh.entries()].sort(([a], [b]) => (a === "id" ? -1 : b === "id" ? 1 : 0));
  for (const [col, t] of ordered) {
    if (known.size + add.length >= MAX_COLUMNS && col !== "id") continue;
    add.push([col, t]);
  }
  for (const [col, t] of add) known.set(col, t);
  const columns = ["id", ...present.filter((c) => c !== "id" && known.has(c)).sort()];
  const types = columns.map((c) => known.get(c)!);
  // Values that do not fit their column, and keys that found no column (over MAX_COLUMNS), are
  // kept per row as JSON in _conflicts: never silently lost.
  let kept: (Record<string, Value> | undefined)[] | null = null;
  const keep = (row: number, col: string, v: Value) => {
    kept ??= [];
    let k = kept[row];
    if (!k) {
      k = {};
      kept[row] = k;
    }
    k[col] = v;
  };
  let conflicts = 0;
  const values: Cell[][] = [];
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c]!;
    const type = types[c]!;
    const raw = b.cols.get(col)!;
    // The column's own array, unless a value does not fit: then a copy with NULL in its place.
    let out: Cell[] = raw;
    // received_at and uuid_ts repeat through a batch: a timestamp equal to the last one fits too.
    let lastTimestamp: Value | undefined;
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      if (v === undefined || v === lastTimestamp || (type === "text" && typeof v === "string")) continue;
      if (fits(v, type)) {
        if (type === "timestamptz") lastTimestamp = v;
        continue;
      }
      keep(i, col, v);
      conflicts++;
      if (out === raw) out = raw.slice();
      out[i] = null;
    }
    values.push(out);
  }
  if (add.length < fresh.size)
    for (const col of present)
      if (!known.has(col) && !off.has(col)) {
        const raw = b.cols.get(col)!;
        for (let i = 0; i < raw.length; i++) {
          const v = raw[i];
          if (v !== undefined) keep(i, col, v);
        }
      }
  if (kept) {
    const k: (Record<string, Value> | undefined)[] = kept;
    if (!known.has(CONFLICTS)) add.push([CONFLICTS, "text"]);
    columns.push(CONFLICTS);
    types.push("text");
    const out: Cell[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const row = k[i];
      out[i] = row ? JSON.stringify(row) : null;
    }
    values.push(out);
  }
  return { table, mode, exists: existing !== undefined, add, columns, types, count, values, conflicts };
}

/** The plan's values as rows (each aligned with `columns`). */
export function rowsOf(plan: TableLoad): (string | null)[][] {
  return Array.from({ length: plan.count }, (_, i) =>
    plan.values.map((col) => {
      const v = col[i];
      return v === null || v === undefined ? null : String(v);
    }),
  );
}

/** The switched-off columns of one table. */
function columnsOff(selection: Selection, table: string): ReadonlySet<string> {
  const out = new Set<string>();
  const prefix = `${table}.`;
  for (const key of selection.columns) if (key.startsWith(prefix)) out.add(key.slice(prefix.length));
  return out;
}
