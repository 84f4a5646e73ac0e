import type Database from "better-sqlite3";
import { singletonLease } from "@/lib/db/lease";
import { SingleFlight } from "@/lib/db/off-loop";
import { sqlite } from "@/lib/db/sqlite";
import type { Work } from "@/lib/db/work";
import { catchUp, compactMetrics } from "@/lib/metrics/compact";

// When compaction runs: every minute from a timer the server starts (startMetricsCompaction), and
// lazily before dashboard queries when the timer is not running or has fallen behind
// (compactedEnough, inside their own work). Work is cut into short transactions with a time budget, so catching up on
// weeks of history never holds the write lock long enough to stall ingest or delivery. On
// PostgreSQL both run on the asynchronous pool: the event loop never waits for them.

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
export function* compactedEnough(db: Database.Database, now: number): Work<void> {
  try {
    yield* catchUp(db, now, LAZY_BUDGET_MS);
  } catch (err) {
    report(err);
  }
}

export interface MetricsCompaction {
  /** Stops the timer; resolves once a compaction on its way has finished. */
  stop(): Promise<void>;
}

/** Starts the periodic compaction (call once per process that should run it; the lead wires it). */
export function startMetricsCompaction(
  opts: { db?: Database.Database; intervalMs?: number; now?: () => number } = {},
): MetricsCompaction {
  const db = opts.db ?? sqlite();
  const now = opts.now ?? Date.now;
  // One compactor per installation (lib/db/lease.ts); dashboards still catch up lazily.
  const lease = singletonLease(db, "metrics-compaction", { now });
  const work = new SingleFlight("metrics compaction", () => {
    if (!lease.held()) return;
    const done = compactMetrics(db, now(), { budgetMs: TIMER_BUDGET_MS });
    return done instanceof Promise ? done.catch(report) : done;
  });
  const tick = () => {
    try {
      work.run();
    } catch (err) {
      report(err);
    }
  };
  const first = setTimeout(tick, 1000);
  const timer = setInterval(tick, opts.intervalMs ?? 60_000);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await work.idle();
      await lease.release();
    },
  };
}
