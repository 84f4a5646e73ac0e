import type Database from "better-sqlite3";
import { batchSource } from "./batches";
import type { WarehouseLoader } from "./loader";
import type { Selection } from "./plan";
import { describePgError } from "./postgres/connect";
import type { PreparedBatch, PrepareSetup } from "./prepare";
import * as store from "./store";

// One sync of one warehouse: from the cursor to the end of the archive, in batches. For each
// batch, every table is loaded in its own warehouse transaction; the cursor moves only after the
// last of them committed. A crash in between re-loads the batch on the next sync, and the
// warehouse's primary key on id turns the second copy into nothing: no loss, no duplicates.
// Batches are prepared (read, flattened, planned, encoded) ahead of the load: see batches.ts.

/** The first and last batches of a sync are small (see BatchSizes in prepare.ts). */
const EDGE_BATCH = 2_000;

export interface SyncDeps {
  db: Database.Database;
  now: () => number;
  /** Messages read from the archive per batch (the first batch of a sync takes at most FIRST_BATCH). */
  batchSize: number;
  leaseMs: number;
  /** Prepare batches on a thread of their own when the archive is a SQLite file (default true). */
  thread?: boolean;
  /** Test hook: runs after a batch's tables committed and before the cursor moves. */
  afterBatchLoaded?: () => Promise<void> | void;
  stopped?: () => boolean;
  /** Warehouse connections to load over (default 2, where the loader can fork). */
  lanes?: number;
}

export interface SyncResult {
  messages: number;
  rows: Record<string, number>;
  pending: number;
  columns: Record<string, Record<string, Record<string, string>>>;
}

export function selectionOf(rows: store.SelectionRow[]): Selection {
  return {
    tables: new Set(rows.filter((r) => !r.columnName).map((r) => r.tableName)),
    columns: new Set(rows.filter((r) => r.columnName).map((r) => `${r.tableName}.${r.columnName}`)),
  };
}

export async function syncWarehouse(
  deps: SyncDeps,
  w: store.WarehouseRow,
  loader: WarehouseLoader,
  runId: number,
): Promise<SyncResult> {
  const { db, now } = deps;
  const schemas = store.ensureSchemas(db, w);
  const selection = selectionOf(store.listSelection(db, w.id));
  const sourceIds = w.sources.map((s) => s.id);
  const state = store.getState(db, w.id, w.workspaceId, now());
  let cursor = state.lastSeq;
  store.startRun(db, runId, now(), cursor);
  const rows: Record<string, number> = {};
  let messages = 0;
  // Sizes the batches; an upper bound (blocked messages included) is enough for that.
  const pending = store.estimatePending(db, sourceIds, cursor);
  if (!pending) return { messages, rows, pending: 0, columns: {} };
  // The warehouse's tables as they are now: the batches are planned against them.
  const setup: PrepareSetup = {
    schemas: Object.fromEntries([...schemas].map(([sourceId, s]) => [sourceId, s.schemaName])),
    selection: { tables: [...selection.tables], columns: [...selection.columns] },
    columns: {},
  };
  for (const schema of new Set(Object.values(setup.schemas))) {
    const tables = await loader.describe(schema);
    setup.columns[schema] = {};
    for (const [table, cols] of tables) setup.columns[schema][table] = Object.fromEntries(cols);
  }
  const snapshot = setup.columns;
  const source = batchSource({
    db,
    setup,
    sourceIds,
    after: cursor,
    batchSizes: {
      first: Math.min(EDGE_BATCH, deps.batchSize),
      rest: deps.batchSize,
      last: Math.min(EDGE_BATCH, deps.batchSize),
      pending,
    },
    now,
    stopped: deps.stopped,
    thread: deps.thread ?? true,
  });
  // Loads run on `lanes` connections: a second one (when the loader can open one) takes the
  // tables of later batches while the first is busy. A table's loads stay in batch order, one at a
  // time; the first batch (which may create the schema) loads alone, on the first connection.
  const extra = (deps.lanes ?? LANES) > 1 ? (loader.fork?.() ?? null) : null;
  const lanes = new Lanes(extra ? [loader, extra] : [loader]);
  const firstLane = extra ? new Lanes([loader]) : lanes;
  const lastOfTable = new Map<string, Promise<unknown>>();
  const inFlight: { batch: PreparedBatch; loaded: Promise<void> }[] = [];
  const load = (batch: PreparedBatch, alone: boolean): Promise<void> =>
    Promise.all(
      batch.loads.map(({ schema, plan, copy }) => {
        const key = `${schema}.${plan.table}`;
        const done = (lastOfTable.get(key) ?? Promise.resolve())
          .then(() => (alone ? firstLane : lanes).run((l) => l.load(schema, plan, copy)))
          .then((written) => {
            rows[key] = (rows[key] ?? 0) + written;
            // What the warehouse has now, for the settings tab (columns a load added included).
            snapshot[schema] ??= {};
            snapshot[schema][plan.table] ??= {};
            for (const [c, t] of plan.add) snapshot[schema][plan.table]![c] = t;
          });
        lastOfTable.set(
          key,
          done.catch(() => {}),
        );
        return done;
      }),
    ).then(() => {});
  /** Waits for the oldest batch in flight to commit, then moves the cursor past it. */
  const finish = async () => {
    const { batch, loaded } = inFlight[0]!;
    await loaded;
    inFlight.shift();
    for (const s of batch.sourceIds) store.fixSchema(db, w.id, s, now());
    await deps.afterBatchLoaded?.();
    cursor = batch.last;
    messages += batch.count;
    store.advanceCursor(db, w.id, cursor, now());
    store.progressRun(db, runId, { toSeq: cursor, messages, rows: JSON.stringify(rows) });
    store.renewLease(db, w.id, now(), deps.leaseMs);
  };
  let first = true;
  try {
    let next = source.next();
    for (;;) {
      const batch = await next;
      if (!batch) break;
      // The next batch is being prepared meanwhile; if a load fails, it is dropped with it.
      next = source.next();
      next.catch(() => {});
      const loaded = load(batch, first);
      loaded.catch(() => {});
      inFlight.push({ batch, loaded });
      if (first || inFlight.length >= lanes.size) await finish();
      first = false;
    }
    while (inFlight.length) await finish();
  } finally {
    // A failed load leaves the others of its batch and the next to end before the connection closes.
    await Promise.allSettled(inFlight.map((b) => b.loaded));
    await extra?.close();
    await source.close();
  }
  return { messages, rows, pending: store.countPending(db, sourceIds, cursor), columns: snapshot };
}

/** Connections a sync loads over, when the loader can open more than one (see fork()). */
const LANES = 2;

/** Warehouse connections, each running one load at a time; a load waits for a free one. */
class Lanes {
  private readonly free: WarehouseLoader[];
  private readonly waiting: ((l: WarehouseLoader) => void)[] = [];
  constructor(readonly all: WarehouseLoader[]) {
    this.free = [...all];
  }
  get size() {
    return this.all.length;
  }
  async run<T>(work: (l: WarehouseLoader) => Promise<T>): Promise<T> {
    const lane = this.free.pop() ?? (await new Promise<WarehouseLoader>((r) => this.waiting.push(r)));
    try {
      return await work(lane);
    } finally {
      const waiter = this.waiting.shift();
      if (waiter) waiter(lane);
      else this.free.push(lane);
    }
  }
}

/** A failure's message for the history, from whatever was thrown. */
export function failureMessage(err: unknown): string {
  return describePgError(err).message;
}
