import type Database from "better-sqlite3";
import { applyOmissions, type Verdict } from "@/lib/protocols/enforcement";
import { writeMessage } from "./flatten";
import type { WarehouseLoader } from "./loader";
import { BatchBuilder, planBatch, type Selection, type TableColumns, type TableLoad } from "./plan";
import { describePgError } from "./postgres/connect";
import * as store from "./store";

// One sync of one warehouse: from the cursor to the end of the archive, in batches. For each
// batch, every table is loaded in its own warehouse transaction; the cursor moves only after the
// last of them committed. A crash in between re-loads the batch on the next sync, and the
// warehouse's primary key on id turns the second copy into nothing: no loss, no duplicates.

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface SyncDeps {
  db: Database.Database;
  now: () => number;
  /** Messages read from the archive per batch. */
  batchSize: number;
  leaseMs: number;
  /** Test hook: runs after a batch's tables committed and before the cursor moves. */
  afterBatchLoaded?: () => Promise<void> | void;
  stopped?: () => boolean;
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
  const described = new Map<string, TableColumns>();
  const rows: Record<string, number> = {};
  let messages = 0;
  type Prepared = {
    batch: ReturnType<typeof store.readArchive>;
    loads: { schema: string; plan: TableLoad }[];
  };
  // Reads and plans one batch. Column additions are applied to the in-memory schema at plan time,
  // so the next batch can be planned while this one loads (the warehouse runs on its own cores).
  const prepare = async (after: number): Promise<Prepared | null> => {
    if (deps.stopped?.()) return null;
    const batch = store.readArchive(db, sourceIds, after, deps.batchSize);
    if (!batch.length) return null;
    const loadedAt = new Date(now()).toISOString();
    const bySchema = new Map<string, BatchBuilder>();
    for (let i = 0; i < batch.length; i++) {
      // Let the load in progress send its next statement now and then.
      if (i % 500 === 499) await yieldTurn();
      const m = batch[i]!;
      const schema = schemas.get(m.sourceId)?.schemaName;
      if (!schema) continue;
      // The tracking plan and schema event filters apply to warehouses too (docs/filters.md):
      // a blocked message adds no row; omitted properties and traits are not loaded.
      if (m.protocol && !applyProtocolVerdict(m)) continue;
      let builder = bySchema.get(schema);
      if (!builder) {
        builder = new BatchBuilder(selection);
        bySchema.set(schema, builder);
      }
      writeMessage(builder, m, loadedAt);
    }
    const loads: Prepared["loads"] = [];
    for (const [schema, builder] of bySchema) {
      let columns = described.get(schema);
      if (!columns) {
        columns = await loader.describe(schema);
        described.set(schema, columns);
      }
      for (const plan of planBatch(builder, columns, selection)) {
        const cols = columns.get(plan.table) ?? new Map();
        for (const [c, t] of plan.add) cols.set(c, t);
        columns.set(plan.table, cols);
        loads.push({ schema, plan });
        await yieldTurn();
      }
    }
    return { batch, loads };
  };
  let next = await prepare(cursor);
  while (next) {
    const { batch, loads } = next;
    const last = batch[batch.length - 1]!.seq;
    const loading = (async () => {
      for (const { schema, plan } of loads) {
        const written = await loader.load(schema, plan);
        const key = `${schema}.${plan.table}`;
        rows[key] = (rows[key] ?? 0) + written;
      }
    })();
    // Plan the next batch meanwhile; if the load fails, the prepared batch is dropped with it.
    const upcoming = batch.length < deps.batchSize ? Promise.resolve(null) : prepare(last);
    const results = await Promise.allSettled([loading, upcoming]);
    if (results[0].status === "rejected") throw results[0].reason;
    for (const s of new Set(batch.map((m) => m.sourceId))) store.fixSchema(db, w.id, s, now());
    await deps.afterBatchLoaded?.();
    cursor = last;
    messages += batch.length;
    store.advanceCursor(db, w.id, cursor, now());
    store.progressRun(db, runId, { toSeq: cursor, messages, rows: JSON.stringify(rows) });
    store.renewLease(db, w.id, now(), deps.leaseMs);
    if (results[1].status === "rejected") throw results[1].reason;
    next = results[1].value;
  }
  const snapshot: SyncResult["columns"] = {};
  for (const [schema, tables] of described) {
    snapshot[schema] = {};
    for (const [table, cols] of tables) snapshot[schema][table] = Object.fromEntries(cols);
  }
  return { messages, rows, pending: store.countPending(db, sourceIds, cursor), columns: snapshot };
}

/** A failure's message for the history, from whatever was thrown. */
export function failureMessage(err: unknown): string {
  return describePgError(err).message;
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
