import type Database from "better-sqlite3";
import { singletonLease } from "@/lib/db/lease";
import { sqlite } from "@/lib/db/sqlite";
import { compactionBehind, compactMetrics } from "@/lib/metrics/compact";

// When compaction runs: every minute from a timer the server starts (startMetricsCompaction), and
// lazily before dashboard queries when the timer is not running or has fallen behind
// (ensureCompacted). Work is cut into short transactions with a time budget, so catching up on
// weeks of history never holds the write lock long enough to stall ingest or delivery.

const LAZY_BUDGET_MS = 250;
const TIMER_BUDGET_MS = 2000;
let lastError = 0;

function report(err: unknown) {
  const now = Date.now();
  if (now - lastError < 60_000) return;
  lastError = now;
  console.error("[switchyard] metrics compaction failed, will retry:", err);
}

/** Before a dashboard query: catch up a little if behind. Never fails the query. */
export function ensureCompacted(db: Database.Database, now = Date.now()): void {
  try {
    if (compactionBehind(db, now)) compactMetrics(db, now, { budgetMs: LAZY_BUDGET_MS });
  } catch (err) {
    report(err);
  }
}

export interface MetricsCompaction {
  stop(): void;
}

/** Starts the periodic compaction (call once per process that should run it; the lead wires it). */
export function startMetricsCompaction(
  opts: { db?: Database.Database; intervalMs?: number; now?: () => number } = {},
): MetricsCompaction {
  const db = opts.db ?? sqlite();
  const now = opts.now ?? Date.now;
  // One compactor per installation (lib/db/lease.ts); dashboards still catch up lazily.
  const lease = singletonLease(db, "metrics-compaction", { now });
  const tick = () => {
    try {
      if (!lease.held()) return;
      compactMetrics(db, now(), { budgetMs: TIMER_BUDGET_MS });
    } catch (err) {
      report(err);
    }
  };
  const first = setTimeout(tick, 1000);
  const timer = setInterval(tick, opts.intervalMs ?? 60_000);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
      void lease.release();
    },
  };
}
