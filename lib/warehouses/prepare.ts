import { applyOmissions, type Verdict } from "@/lib/protocols/verdict";
import { type ArchivedMessage, type ColumnType, writeMessage } from "./flatten";
import { releaseBytes } from "./json-scan";
import {
  BatchBuilder,
  CONFLICTS,
  MAX_COLUMNS,
  planBuilt,
  type Selection,
  type TableColumns,
  type TableLoad,
} from "./plan";
import { planRows } from "./plan-rows";
import { encodeCopy } from "./postgres/copy-encode";
import { RowTable } from "./rows";
import { scanMessageInto } from "./scan";

// One batch of archived messages -> what the loader sends: per schema and table, the plan (which
// columns to add, in which order the values come) and the rows already encoded for COPY. Pure
// JavaScript over plain data, so it runs on the sync's own thread or on a thread of its own
// (prepare-thread.ts) alike. Column additions are applied to the in-memory schema as batches are
// planned, so the next batch can be planned while this one loads.

export type ArchiveRow = ArchivedMessage & { sourceId: string };

/** A table's load without its values: they travel encoded, in `copy`. */
export type PlannedLoad = Omit<TableLoad, "values" | "copy"> & { values: [] };

export interface PreparedLoad {
  schema: string;
  plan: PlannedLoad;
  /** The rows in COPY text format. */
  copy: Buffer[];
}

export interface PreparedBatch {
  /** The archive seq of the batch's last message: where the cursor moves once it is loaded. */
  last: number;
  /** Messages read (loaded or not). */
  count: number;
  /** The sources the batch's messages came from (their schema names become fixed). */
  sourceIds: string[];
  loads: PreparedLoad[];
}

export interface PrepareSetup {
  /** sourceId -> warehouse schema. */
  schemas: Record<string, string>;
  selection: { tables: string[]; columns: string[] };
  /** schema -> table -> column -> type, as the warehouse had them when the sync started. */
  columns: Record<string, Record<string, Record<string, string>>>;
}

/**
 * How a sync cuts the archive into batches. Nothing loads until the first batch is prepared, and
 * the last batch's load overlaps no preparing: both are kept small. The batches between are large,
 * for fewer and larger COPYs per table.
 */
export interface BatchSizes {
  first: number;
  rest: number;
  last: number;
  /** Messages waiting when the sync started. */
  pending: number;
}

/** How many messages the next batch reads, given the batches and messages read so far. */
export function nextBatchSize(sizes: BatchSizes, batches: number, read: number): number {
  if (batches === 0) return sizes.first;
  const left = sizes.pending - read;
  if (left > sizes.last && left <= sizes.rest + sizes.last) return left - sizes.last;
  if (left > 0 && left <= sizes.last) return sizes.last;
  // Messages that arrived during the sync are read as they come.
  return sizes.rest;
}

/** Applies a stored Protocols verdict to an archived message: false when it was blocked. */
export function applyProtocolVerdict(m: { payload: string; protocol?: string | null }): boolean {
  let verdict: Verdict;
  try {
    verdict = JSON.parse(m.protocol!) as Verdict;
  } catch {
    return true;
  }
  if (verdict.blocked) return false;
  if (verdict.omitted?.length) {
    try {
      m.payload = JSON.stringify(applyOmissions(JSON.parse(m.payload), verdict.omitted));
    } catch {
      // an unreadable payload is reported by the flattening, as before
    }
  }
  return true;
}

let fastPath = true;
/** Whether payloads are scanned in place (scan.ts) before writeMessage() is used: tests compare both. */
export function setScanning(on: boolean): void {
  fastPath = on;
}

export class BatchPreparer {
  private readonly schemas: Map<string, string>;
  private readonly selection: Selection;
  private readonly columns = new Map<string, TableColumns>();

  constructor(setup: PrepareSetup) {
    this.schemas = new Map(Object.entries(setup.schemas));
    this.selection = { tables: new Set(setup.selection.tables), columns: new Set(setup.selection.columns) };
    for (const [schema, tables] of Object.entries(setup.columns)) {
      const t: TableColumns = new Map();
      for (const [table, cols] of Object.entries(tables))
        t.set(table, new Map(Object.entries(cols)) as never);
      this.columns.set(schema, t);
    }
  }

  /**
   * Columns the warehouse has since the sync started, as the ledger has them (another thread's
   * batches added them, or a type this thread planned differently was kept): later batches are
   * planned against them.
   */
  learn(updates: ColumnUpdate[]): void {
    for (const u of updates) {
      let tables = this.columns.get(u.schema);
      if (!tables) {
        tables = new Map();
        this.columns.set(u.schema, tables);
      }
      let cols = tables.get(u.table);
      if (!cols) {
        cols = new Map();
        tables.set(u.table, cols);
      }
      for (const [c, t] of u.columns) cols.set(c, t);
    }
  }

  /** Flattens a part of a batch into its builders (a batch may be flattened in several parts). */
  flatten(
    rows: ArchiveRow[],
    from: number,
    to: number,
    builders: Map<string, BatchBuilder>,
    loadedAt: string,
  ) {
    for (let i = from; i < to; i++) {
      const m = rows[i]!;
      const schema = this.schemas.get(m.sourceId);
      if (!schema) continue;
      // The tracking plan and schema event filters apply to warehouses too (docs/filters.md):
      // a blocked message adds no row; omitted properties and traits are not loaded.
      if (m.protocol && !applyProtocolVerdict(m)) continue;
      let builder = builders.get(schema);
      if (!builder) {
        builder = new BatchBuilder(this.selection);
        builders.set(schema, builder);
      }
      builder.nextMessage();
      if (!fastPath || scanMessageInto(builder, m, loadedAt) === null) writeMessage(builder, m, loadedAt);
      builder.endMessage();
    }
  }

  /**
   * Plans and encodes the tables of one schema's builder, one table at a time, in table order
   * (the in-memory schema learns the additions).
   */
  *plan(schema: string, builder: BatchBuilder): Generator<PreparedLoad> {
    let columns = this.columns.get(schema);
    if (!columns) {
      columns = new Map();
      this.columns.set(schema, columns);
    }
    for (const table of [...builder.tables.values()].sort((a, b) => (a.table < b.table ? -1 : 1))) {
      const plan =
        table instanceof RowTable
          ? planRows(table, columns.get(table.table))
          : planBuilt(table, columns.get(table.table), this.selection);
      const cols = columns.get(plan.table) ?? new Map();
      for (const [c, t] of plan.add) cols.set(c, t);
      columns.set(plan.table, cols);
      const { copy, values: _, ...rest } = plan;
      yield { schema, plan: { ...rest, values: [] }, copy: copy ?? encodeCopy(plan) };
    }
  }

  /** A whole batch, its rows read one at a time (each dropped once flattened); null when there were none. */
  prepare(rows: Iterable<ArchiveRow>, loadedAt: string): PreparedBatch | null {
    const builders = new Map<string, BatchBuilder>();
    const one: ArchiveRow[] = [];
    const sourceIds = new Set<string>();
    let count = 0;
    let last = 0;
    for (const row of rows) {
      one[0] = row;
      this.flatten(one, 0, 1, builders, loadedAt);
      sourceIds.add(row.sourceId);
      last = row.seq;
      count++;
    }
    releaseBytes();
    if (!count) return null;
    const loads: PreparedLoad[] = [];
    for (const [schema, builder] of builders) for (const load of this.plan(schema, builder)) loads.push(load);
    return { last, count, sourceIds: [...sourceIds], loads };
  }
}

export function batchOf(rows: ArchiveRow[], loads: PreparedLoad[]): PreparedBatch {
  return {
    last: rows[rows.length - 1]!.seq,
    count: rows.length,
    sourceIds: [...new Set(rows.map((m) => m.sourceId))],
    loads,
  };
}

/** Columns one table has (or gained): what the ledger tells the preparing threads. */
export interface ColumnUpdate {
  schema: string;
  table: string;
  columns: [string, ColumnType][];
}

/**
 * The warehouse's columns as the sync's loads leave them, kept where the batches are loaded. Two
 * threads prepare consecutive batches at once, each planned against the columns its thread knew:
 * a batch is loaded only if its plan agrees with every column added before it. `accept` checks
 * that (a column planned as existing exists with the planned type; a new column is still new, or
 * was added since with the same type), trims the additions to what is still missing, and records
 * them. A batch that disagrees (two batches prepared at once gave one new column two types) is
 * prepared again against the ledger (batches.ts): the type-conflict rule then holds as if one
 * thread had planned every batch in order.
 */
export class SchemaLedger {
  private readonly tables = new Map<string, Map<string, ColumnType>>();

  constructor(columns: PrepareSetup["columns"]) {
    for (const [schema, tables] of Object.entries(columns))
      for (const [table, cols] of Object.entries(tables))
        this.tables.set(`${schema}\u0000${table}`, new Map(Object.entries(cols)) as Map<string, ColumnType>);
  }

  /** The columns of every table, as the preparing threads' setup gives them. */
  setup(): PrepareSetup["columns"] {
    const out: PrepareSetup["columns"] = {};
    for (const [key, cols] of this.tables) {
      const [schema, table] = key.split("\u0000") as [string, string];
      out[schema] ??= {};
      out[schema][table] = Object.fromEntries(cols);
    }
    return out;
  }

  private agrees(load: PreparedLoad): boolean {
    const { plan } = load;
    const known = this.tables.get(`${load.schema}\u0000${plan.table}`);
    if (plan.exists && !known) return false;
    const adding = new Map(plan.add);
    let fresh = 0;
    for (let i = 0; i < plan.columns.length; i++) {
      const col = plan.columns[i]!;
      const had = known?.get(col);
      if (had === undefined) {
        // A column the thread took for existing must be one the ledger has.
        if (adding.get(col) !== plan.types[i]) return false;
        if (col !== CONFLICTS && col !== "id") fresh++;
      } else if (had !== plan.types[i]) return false;
    }
    return (known?.size ?? 0) + fresh <= MAX_COLUMNS;
  }

  /**
   * Whether the batch can be loaded as prepared; if so its additions are trimmed to what the
   * warehouse still lacks and recorded, and the updates for the other threads are returned.
   */
  accept(batch: PreparedBatch): ColumnUpdate[] | null {
    if (!batch.loads.every((l) => this.agrees(l))) return null;
    const updates: ColumnUpdate[] = [];
    for (const { schema, plan } of batch.loads) {
      const key = `${schema}\u0000${plan.table}`;
      let known = this.tables.get(key);
      plan.exists = known !== undefined;
      if (!known) {
        known = new Map();
        this.tables.set(key, known);
      }
      const add = plan.add.filter(([c]) => !known.has(c));
      for (const [c, t] of add) known.set(c, t);
      plan.add = add;
      if (add.length) updates.push({ schema, table: plan.table, columns: add });
    }
    return updates;
  }
}
