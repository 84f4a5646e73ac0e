import type Database from "better-sqlite3";
import { getDestinationType } from "@/lib/catalog";
import type { WarehouseLoader } from "./loader";
import type { PostgresSettings } from "./postgres/connect";
import { PostgresLoader } from "./postgres/loader";
import * as store from "./store";
import { failureMessage, syncWarehouse } from "./sync";

// Runs warehouse syncs: on each warehouse's interval (enabled warehouses only) and whenever a
// "Sync now" run is queued (POST …/syncs, any warehouse). One sync at a time per process, so a
// large load never takes both cores from ingest. A lease in WarehouseState keeps a second process
// from loading the same warehouse. A failed sync is retried with backoff (30 s, doubling, at most
// the interval) and recorded with its message.

export interface SchedulerOptions {
  db: Database.Database;
  encryptionKey: () => string;
  allowPrivate: () => boolean;
  now?: () => number;
  tickMs?: number;
  batchSize?: number;
  /** Prepare batches on a thread of their own when the archive is a SQLite file (default true). */
  thread?: boolean;
  leaseMs?: number;
  /** Warehouse connections a sync loads over (default 2, where the loader can fork). */
  lanes?: number;
  /** Builds the loader for a warehouse type (tests and future warehouse types). */
  loaderFor?: (type: string, settings: Record<string, unknown>) => WarehouseLoader;
  /** Test hook (the kill -9 test): after a batch's tables committed, before the cursor moves. */
  afterBatchLoaded?: () => Promise<void> | void;
}

export interface WarehouseScheduler {
  /** Runs every due or queued sync now (tests and the benchmark call it directly). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

const RETRY_BASE_MS = 30_000;

export function retryDelay(failures: number, intervalMs: number): number {
  return Math.min(intervalMs, RETRY_BASE_MS * 2 ** Math.min(failures - 1, 16));
}

function parseColumns(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function defaultLoader(allowPrivate: boolean) {
  return (type: string, settings: Record<string, unknown>): WarehouseLoader => {
    if (type === "postgres") return new PostgresLoader(settings as unknown as PostgresSettings, allowPrivate);
    throw new Error(`No loader for warehouse type ${type}`);
  };
}

export function startWarehouseScheduler(opts: SchedulerOptions): WarehouseScheduler {
  const { db } = opts;
  const now = opts.now ?? Date.now;
  const leaseMs = opts.leaseMs ?? 120_000;
  const batchSize = opts.batchSize ?? 25_000;
  let stopped = false;
  let running: Promise<void> | null = null;
  let swept = 0;
  store.markInterrupted(db, now());

  const runOne = async (w: store.WarehouseRow, run: store.RunRow) => {
    const state = store.getState(db, w.id, w.workspaceId, now());
    if (!store.claimLease(db, w.id, now(), leaseMs)) return;
    const intervalMs = Number(w.settings.syncIntervalMinutes ?? 60) * 60_000;
    let loader: WarehouseLoader | null = null;
    try {
      if (w.settingsError) throw new Error(w.settingsError);
      if (!w.sources.length) throw new Error("No source is connected to this warehouse");
      loader = (opts.loaderFor ?? defaultLoader(opts.allowPrivate()))(w.type, w.settings);
      const result = await syncWarehouse(
        {
          db,
          now,
          batchSize,
          leaseMs,
          thread: opts.thread,
          lanes: opts.lanes,
          stopped: () => stopped,
          afterBatchLoaded: opts.afterBatchLoaded,
        },
        w,
        loader,
        run.id,
      );
      store.endRun(db, run.id, { status: "succeeded", now: now(), pending: result.pending, error: null });
      store.finishState(db, w.id, {
        nextSyncAt: now() + intervalMs,
        failures: 0,
        // A sync with nothing new describes no schema: keep what earlier syncs saw.
        columns: JSON.stringify({ ...parseColumns(state.columns), ...result.columns }),
      });
    } catch (err) {
      const failures = state.failures + 1;
      const after = store.findState(db, w.id);
      store.endRun(db, run.id, {
        status: "failed",
        now: now(),
        pending: store.countPending(
          db,
          w.sources.map((s) => s.id),
          after?.lastSeq ?? 0,
        ),
        error: failureMessage(err),
      });
      store.finishState(db, w.id, { nextSyncAt: now() + retryDelay(failures, intervalMs), failures });
    } finally {
      await loader?.close();
    }
  };

  const tick = async () => {
    if (running) return running;
    running = (async () => {
      if (now() - swept > 60_000) {
        swept = now();
        store.sweepDeleted(db);
      }
      for (const w of store.listWarehouses(db, opts.encryptionKey())) {
        if (stopped) return;
        if (!getDestinationType(w.type)?.warehouse) continue;
        let run = store.queuedRun(db, w.id);
        if (!run && w.enabled) {
          const state = store.getState(db, w.id, w.workspaceId, now());
          if (state.nextSyncAt > now() || state.leaseUntil > now()) continue;
          run = store.queueRun(db, w, state.failures > 0 ? "retry" : "schedule", now(), null).run;
        }
        if (run) await runOne(w, run);
      }
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const timer = setInterval(() => {
    void tick().catch((err) => console.error("[switchyard] warehouse sync failed:", err));
  }, opts.tickMs ?? 2000);
  timer.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
