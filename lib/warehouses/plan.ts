import {
  additions,
  CONFLICTS,
  ColumnData,
  FITTING,
  inferColumn,
  KIND,
  scalarKind,
  stringKind,
} from "./columns";
import type { Mode, RowSink, RowWriter, TableRow } from "./flatten";
import { RowTable, Scratch } from "./rows";
import type { ColumnType, Value } from "./types";

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
   * The values, one column of COPY bytes per column (aligned with `columns`); a row without a
   * value there is NULL. Every value fits its column's type. rowsOf() turns them into rows of text.
   */
  values: ColumnData[];
  /** The rows already in COPY text (call tables, rows.ts), instead of `values`. */
  copy?: Buffer[];
  conflicts: number;
}

export { CONFLICTS, MAX_COLUMNS } from "./columns";

/** One value of a planned column: null or undefined is NULL. */
export type Cell = Value | null | undefined;

/**
 * Whether a value can be stored as its text in a column of this type: the rule every load applies
 * to its values' kinds (FITTING); a value that does not fit is a conflict.
 */
export function fits(value: Value, type: ColumnType): boolean {
  const kind = typeof value === "string" ? stringKind(value) : scalarKind(value);
  return (FITTING[type] & kind) !== 0;
}

/**
 * One table's rows of a batch, column by column, each column kept as COPY bytes (columns.ts). Call
 * tables keep the first row per id (the warehouse's dedup); users/accounts merge the rows of one
 * id, later values winning key by key.
 */
export class TableBuilder implements RowWriter {
  /** column -> its rows' values, in the order columns were first seen. */
  readonly cols = new Map<string, ColumnData>();
  private readonly index = new Map<string, number>();
  count = 0;
  /** The row being written. */
  at = 0;
  /** Its number in the batch (BatchBuilder's dedup). */
  number = 0;

  constructor(
    readonly table: string,
    readonly mode: Mode,
    readonly fixed: ReadonlyMap<string, ColumnType>,
  ) {}

  /** Starts a new row (an insert whose id the batch builder checked). */
  append(): void {
    this.at = this.count++;
  }

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

  /** The column `col`, for the row being written (created when new). */
  column(col: string): ColumnData {
    let c = this.cols.get(col);
    if (!c) {
      c = new ColumnData();
      this.cols.set(col, c);
    }
    if (this.mode === "upsert" && !c.has(this.at)) this.firstSeen(col, this.at);
    return c;
  }

  set(col: string, value: Value): void {
    this.column(col).set(this.at, value);
  }

  setString(col: string, s: string, kind: number): void {
    this.column(col).setString(this.at, s, kind);
  }

  setBytes(col: string, src: Buffer, from: number, to: number, kind: number): void {
    this.column(col).setBytes(this.at, src, from, to, kind);
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
  readonly tables = new Map<string, TableBuilder | RowTable>();
  private tableCount = 0;
  private readonly scratch = new Scratch();
  /** Call tables the message being written added a row to (written out when it is done). */
  private readonly touched: RowTable[] = [];
  // The warehouse's dedup within a batch: the first row per id and table wins. A message adds
  // rows to at most two insert tables (tracks and its event's table), so each id's first message
  // keeps the numbers of its tables in two slots; a later message with that id adding a third
  // table (rare) is kept in `more`. One map lookup per message, not one per row.
  private readonly ids = new Map<string, number>();
  private first = new Int32Array(1024);
  private second = new Int32Array(1024);
  private readonly more = new Set<string>();
  private messages = 0;
  /** The id of the message being written, its slot, and whether it is the id's first message. */
  private currentId: string | null = null;
  private slot = 0;
  private fresh = false;

  constructor(private readonly selection: Selection) {}

  /** A new message starts (the last one's rows are written out, if they were not yet). */
  nextMessage(): void {
    this.endMessage();
    this.scratch.reset();
    this.currentId = null;
  }

  /**
   * The message's rows are written out: they point into its payload's bytes, which the next
   * message scanned replaces, whichever schema's builder that message goes to.
   */
  endMessage(): void {
    for (const t of this.touched) t.end();
    this.touched.length = 0;
  }

  row(table: string, mode: Mode, fixed: ReadonlyMap<string, ColumnType>, id: string): RowWriter | null {
    let t = this.tables.get(table);
    if (!t) {
      if (this.selection.tables.has(table)) return null;
      t =
        mode === "upsert"
          ? new TableBuilder(table, mode, fixed)
          : new RowTable(table, fixed, columnsOff(this.selection, table), this.scratch);
      t.number = ++this.tableCount;
      this.tables.set(table, t);
    }
    if (t instanceof TableBuilder) return t.start(id) ? t : null;
    if (id !== this.currentId) {
      this.currentId = id;
      const seen = this.ids.get(id);
      this.fresh = seen === undefined;
      if (seen !== undefined) this.slot = seen;
      else {
        this.slot = this.messages++;
        this.ids.set(id, this.slot);
        if (this.slot === this.first.length) {
          const grow = (a: Int32Array) => {
            const b = new Int32Array(a.length * 4);
            b.set(a);
            return b;
          };
          this.first = grow(this.first);
          this.second = grow(this.second);
        }
        this.first[this.slot] = 0;
        this.second[this.slot] = 0;
      }
    }
    const n = t.number;
    const slot = this.slot;
    if (!this.fresh && (this.first[slot] === n || this.second[slot] === n || this.more.has(`${slot}:${n}`)))
      return null;
    if (this.first[slot] === 0) this.first[slot] = n;
    else if (this.second[slot] === 0) this.second[slot] = n;
    else this.more.add(`${slot}:${n}`);
    t.append();
    this.touched.push(t);
    return t;
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

/** The kinds of values (a mask of KIND bits) in the first `count` rows of a column. */
function kindsOf(c: ColumnData, count: number): number {
  let mask = 0;
  const kinds = c.kind;
  const n = Math.min(count, kinds.length);
  for (let i = 0; i < n; i++) mask |= kinds[i]!;
  return mask;
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
  for (const col of present) b.cols.get(col)!.rows(count);
  const fresh = new Map<string, ColumnType>();
  for (const col of present) {
    if (known.has(col) || (off.size && off.has(col))) continue;
    const t = b.fixed.get(col) ?? inferColumn(kindsOf(b.cols.get(col)!, count));
    if (t) fresh.set(col, t);
  }
  const add = additions(fresh, known);
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
  const values: ColumnData[] = [];
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c]!;
    const data = b.cols.get(col)!;
    const fitting = FITTING[types[c]!];
    const kinds = data.kind;
    for (let i = 0; i < count; i++) {
      const k = kinds[i]!;
      if (k === 0 || (k & fitting) !== 0) continue;
      // Does not fit: kept in _conflicts, and NULL in the column.
      keep(i, col, data.value(i)!);
      conflicts++;
      kinds[i] = 0;
    }
    values.push(data);
  }
  if (add.length < fresh.size)
    for (const col of present)
      if (!known.has(col) && !off.has(col)) {
        const data = b.cols.get(col)!;
        for (let i = 0; i < count; i++) {
          const v = data.value(i);
          if (v !== undefined) keep(i, col, v);
        }
      }
  if (kept) {
    const k: (Record<string, Value> | undefined)[] = kept;
    if (!known.has(CONFLICTS)) add.push([CONFLICTS, "text"]);
    columns.push(CONFLICTS);
    types.push("text");
    const out = new ColumnData();
    for (let i = 0; i < count; i++) {
      const row = k[i];
      if (row) out.setString(i, JSON.stringify(row), KIND.text);
    }
    out.rows(count);
    values.push(out);
  }
  return { table, mode, exists: existing !== undefined, add, columns, types, count, values, conflicts };
}

/** The plan's values as rows of text (each aligned with `columns`), as PostgreSQL reads them. */
export function rowsOf(plan: Pick<TableLoad, "count" | "values">): (string | null)[][] {
  return Array.from({ length: plan.count }, (_, i) => plan.values.map((col) => col.text(i)));
}

/** The switched-off columns of one table. */
function columnsOff(selection: Selection, table: string): ReadonlySet<string> {
  const out = new Set<string>();
  const prefix = `${table}.`;
  for (const key of selection.columns) if (key.startsWith(prefix)) out.add(key.slice(prefix.length));
  return out;
}
