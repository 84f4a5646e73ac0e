import type Database from "better-sqlite3";
import type { Maybe } from "@/lib/db/off-loop";
import { sqlite } from "@/lib/db/sqlite";
import { all, get, perform, pluck, type Work } from "@/lib/db/work";
import { controlOf } from "@/lib/delivery/control";
import { ERROR_TYPES, type ErrorType } from "@/lib/delivery/errors";
import { DenseHistogram } from "@/lib/metrics/dense";
import { bucketIndex, bucketStarts, HOUR, rawEnd, type Window, windowView } from "@/lib/metrics/period";
import { readRollups } from "@/lib/metrics/rollup-reader";
import { compactedEnough } from "@/lib/metrics/scheduler";
import type { KeyMetricsView, TrendPoint, TrendsView } from "@/lib/metrics/types";
import { REMOVAL_TOTALS } from "@/lib/privacy/sql";

// The Key metrics and Trends panels of a destination's Event Delivery tab. Both read the rollups
// the delivery engine writes in the same transaction as the outcomes (by the minute the outcome
// was recorded), so their counts are the outcomes' counts; P95 comes from merged histograms
// (within 0.4% of the exact value, see lib/metrics/histogram.ts). Their reads are database work
// (lib/db/work.ts): on PostgreSQL they run on the asynchronous pool, so a dashboard never stops the
// event loop of the process that also takes tracking calls.

interface Opts {
  db?: Database.Database;
  now?: number;
}

const rate = (bad: number, good: number) => (bad + good > 0 ? bad / (bad + good) : null);

// The LIMIT keeps a dead destination with millions of queued messages cheap to show.
const countJobs = (condition: string) =>
  `SELECT COUNT(*) FROM (SELECT 1 FROM "DeliveryJob" WHERE "destinationId" = ? AND ${condition} LIMIT 100000) AS "x"`;

export function* queueCounts(destinationId: string): Work<{ retrying: number; queued: number }> {
  const retrying = (yield* pluck<number>(countJobs(`"attempts" > 0`), [destinationId])) ?? 0;
  const queued = (yield* pluck<number>(countJobs(`"attempts" = 0`), [destinationId])) ?? 0;
  return { retrying: Number(retrying), queued: Number(queued) };
}

/** Filtered and unsupported outcomes by the step that stopped them (bounded scan of the index). */
function* filteredBy(destinationId: string, w: Window) {
  const rows = yield* all<{ errorType: string | null; count: number }>(
    `SELECT "errorType", COUNT(*) AS "count" FROM (
       SELECT "errorType" FROM "DeliveryOutcome"
       WHERE "destinationId" = ? AND "finishedAt" >= ? AND "finishedAt" < ? AND "status" IN ('filtered', 'unsupported')
       LIMIT 100000) AS "x"
     GROUP BY "errorType" ORDER BY "count" DESC`,
    [destinationId, w.from, rawEnd(w)],
  );
  return rows.map((r) => {
    const type = (r.errorType ?? "destination_filter") as ErrorType;
    return { errorType: type, title: ERROR_TYPES[type]?.title ?? type, count: Number(r.count) };
  });
}

/** Outcomes of the period that came from a Replay (bounded scan of the finishedAt index). */
function* replayedIn(destinationId: string, w: Window): Work<number> {
  const n = yield* pluck<number>(
    `SELECT COUNT(*) FROM (SELECT 1 FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "finishedAt" >= ?
       AND "finishedAt" < ? AND "replayId" IS NOT NULL LIMIT 100000) AS "x"`,
    [destinationId, w.from, rawEnd(w)],
  );
  return Number(n ?? 0);
}

/** "privacy: N fields removed" (routing time within the window, bounded scan). */
function* privacyRemovals(destinationId: string, w: Window) {
  const r = yield* get<{ events: number; fields: number }>(REMOVAL_TOTALS, [
    destinationId,
    w.from,
    rawEnd(w),
  ]);
  return { events: Number(r?.events ?? 0), fields: Number(r?.fields ?? 0) };
}

function* hasHistory(destinationId: string): Work<boolean> {
  for (const table of ["DeliveryRollup", "DeliveryJob", "DeliveryRollupHour"])
    if (
      (yield* pluck(`SELECT 1 FROM "${table}" WHERE "destinationId" = ? LIMIT 1`, [destinationId])) !==
      undefined
    )
      return true;
  return false;
}

export function keyMetrics(destinationId: string, w: Window, opts: Opts = {}): Maybe<KeyMetricsView> {
  const db = opts.db ?? sqlite();
  return perform(db, keyMetricsWork(db, destinationId, w, opts.now ?? Date.now()));
}

function* keyMetricsWork(
  db: Database.Database,
  destinationId: string,
  w: Window,
  now: number,
): Work<KeyMetricsView> {
  yield* compactedEnough(db, now);
  const sums = { delivered: 0, notDelivered: 0, filtered: 0, unsupported: 0, retried: 0 };
  const hist = new DenseHistogram();
  yield* readRollups({ destinationId }, w.from, w.to, { hourly: true }, (r) => {
    sums.delivered += r.delivered;
    sums.notDelivered += r.notDelivered;
    sums.filtered += r.filtered;
    sums.unsupported += r.unsupported;
    sums.retried += r.retried;
    hist.addEncoded(r.latencyHist);
  });
  const queue = yield* queueCounts(destinationId);
  return {
    window: windowView(w),
    ...sums,
    finished: sums.delivered + sums.notDelivered + sums.filtered + sums.unsupported,
    failureRate: rate(sums.notDelivered, sums.delivered),
    p50Ms: hist.quantile(0.5),
    p95Ms: hist.quantile(0.95),
    retryingNow: queue.retrying,
    failedAttempts: sums.retried + sums.notDelivered,
    control: yield* controlOf(destinationId),
    replayed: yield* replayedIn(destinationId, w),
    queuedNow: queue.queued,
    hasHistory: yield* hasHistory(destinationId),
    filteredBy: yield* filteredBy(destinationId, w),
    privacy: yield* privacyRemovals(destinationId, w),
  };
}

/** Per-bucket counts and P95 over the window, every bucket present (zeros where nothing happened). */
export function trends(destinationId: string, w: Window, opts: Opts = {}): Maybe<TrendsView> {
  const db = opts.db ?? sqlite();
  return perform(db, trendsWork(db, destinationId, w, opts.now ?? Date.now()));
}

function* trendsWork(db: Database.Database, destinationId: string, w: Window, now: number): Work<TrendsView> {
  yield* compactedEnough(db, now);
  const starts = bucketStarts(w);
  const points: TrendPoint[] = starts.map((t) => ({
    t,
    delivered: 0,
    notDelivered: 0,
    filtered: 0,
    retried: 0,
    p95Ms: null,
  }));
  const hists: (DenseHistogram | null)[] = starts.map(() => null);
  // Hourly rows are usable only when every hour falls inside one bucket.
  const hourly = w.bucketMs % HOUR === 0 && w.origin % HOUR === 0;
  yield* readRollups({ destinationId }, w.from, w.to, { hourly }, (r) => {
    const i = bucketIndex(w, r.t);
    const p = points[i];
    if (!p) return;
    p.delivered += r.delivered;
    p.notDelivered += r.notDelivered;
    p.filtered += r.filtered + r.unsupported;
    p.retried += r.retried;
    if (r.latencyHist) {
      hists[i] ??= new DenseHistogram();
      hists[i].addEncoded(r.latencyHist);
    }
  });
  for (let i = 0; i < points.length; i++) points[i]!.p95Ms = hists[i]?.quantile(0.95) ?? null;
  return { window: windowView(w), points };
}
