import type Database from "better-sqlite3";
import { sqlite } from "@/lib/db/sqlite";
import { readControl } from "@/lib/delivery/control";
import { ERROR_TYPES, type ErrorType } from "@/lib/delivery/errors";
import { DenseHistogram } from "@/lib/metrics/dense";
import { bucketIndex, bucketStarts, HOUR, rawEnd, type Window, windowView } from "@/lib/metrics/period";
import { readRollups } from "@/lib/metrics/rollup-reader";
import { ensureCompacted } from "@/lib/metrics/scheduler";
import type { KeyMetricsView, TrendPoint, TrendsView } from "@/lib/metrics/types";
import { privacySql } from "@/lib/privacy/sql";

// The Key metrics and Trends panels of a destination's Event Delivery tab. Both read the rollups
// the delivery engine writes in the same transaction as the outcomes (by the minute the outcome
// was recorded), so their counts are the outcomes' counts; P95 comes from merged histograms
// (within 0.4% of the exact value, see lib/metrics/histogram.ts).

interface Opts {
  db?: Database.Database;
  now?: number;
}

const rate = (bad: number, good: number) => (bad + good > 0 ? bad / (bad + good) : null);

export function queueCounts(db: Database.Database, destinationId: string) {
  // The LIMIT keeps a dead destination with millions of queued messages cheap to show.
  const count = (condition: string) =>
    db
      .prepare(
        `SELECT COUNT(*) FROM (SELECT 1 FROM "DeliveryJob" WHERE "destinationId" = ? AND ${condition} LIMIT 100000) AS "x"`,
      )
      .pluck()
      .get(destinationId) as number;
  return { retrying: count(`"attempts" > 0`), queued: count(`"attempts" = 0`) };
}

/** Filtered and unsupported outcomes by the step that stopped them (bounded scan of the index). */
function filteredBy(db: Database.Database, destinationId: string, w: Window) {
  const rows = db
    .prepare(
      `SELECT "errorType", COUNT(*) AS "count" FROM (
         SELECT "errorType" FROM "DeliveryOutcome"
         WHERE "destinationId" = ? AND "finishedAt" >= ? AND "finishedAt" < ? AND "status" IN ('filtered', 'unsupported')
         LIMIT 100000) AS "x"
       GROUP BY "errorType" ORDER BY "count" DESC`,
    )
    .all(destinationId, w.from, rawEnd(w)) as { errorType: string | null; count: number }[];
  return rows.map((r) => {
    const type = (r.errorType ?? "destination_filter") as ErrorType;
    return { errorType: type, title: ERROR_TYPES[type]?.title ?? type, count: Number(r.count) };
  });
}

/** Outcomes of the period that came from a Replay (bounded scan of the finishedAt index). */
function replayedIn(db: Database.Database, destinationId: string, w: Window): number {
  return db
    .prepare(
      `SELECT COUNT(*) FROM (SELECT 1 FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "finishedAt" >= ?
         AND "finishedAt" < ? AND "replayId" IS NOT NULL LIMIT 100000) AS "x"`,
    )
    .pluck()
    .get(destinationId, w.from, rawEnd(w)) as number;
}

/** "privacy: N fields removed" (routing time within the window, bounded scan). */
function privacyRemovals(db: Database.Database, destinationId: string, w: Window) {
  const r = privacySql(db).removalTotals.get(destinationId, w.from, rawEnd(w)) as {
    events: number;
    fields: number;
  };
  return { events: Number(r.events), fields: Number(r.fields) };
}

function hasHistory(db: Database.Database, destinationId: string): boolean {
  const any = (table: string) =>
    db.prepare(`SELECT 1 FROM "${table}" WHERE "destinationId" = ? LIMIT 1`).pluck().get(destinationId) !==
    undefined;
  return any("DeliveryRollup") || any("DeliveryJob") || any("DeliveryRollupHour");
}

export function keyMetrics(destinationId: string, w: Window, opts: Opts = {}): KeyMetricsView {
  const db = opts.db ?? sqlite();
  ensureCompacted(db, opts.now ?? Date.now());
  const sums = { delivered: 0, notDelivered: 0, filtered: 0, unsupported: 0, retried: 0 };
  const hist = new DenseHistogram();
  readRollups(db, { destinationId }, w.from, w.to, { hourly: true }, (r) => {
    sums.delivered += r.delivered;
    sums.notDelivered += r.notDelivered;
    sums.filtered += r.filtered;
    sums.unsupported += r.unsupported;
    sums.retried += r.retried;
    hist.addEncoded(r.latencyHist);
  });
  const queue = queueCounts(db, destinationId);
  return {
    window: windowView(w),
    ...sums,
    finished: sums.delivered + sums.notDelivered + sums.filtered + sums.unsupported,
    failureRate: rate(sums.notDelivered, sums.delivered),
    p50Ms: hist.quantile(0.5),
    p95Ms: hist.quantile(0.95),
    retryingNow: queue.retrying,
    failedAttempts: sums.retried + sums.notDelivered,
    control: readControl(db, destinationId),
    replayed: replayedIn(db, destinationId, w),
    queuedNow: queue.queued,
    hasHistory: hasHistory(db, destinationId),
    filteredBy: filteredBy(db, destinationId, w),
    privacy: privacyRemovals(db, destinationId, w),
  };
}

/** Per-bucket counts and P95 over the window, every bucket present (zeros where nothing happened). */
export function trends(destinationId: string, w: Window, opts: Opts = {}): TrendsView {
  const db = opts.db ?? sqlite();
  ensureCompacted(db, opts.now ?? Date.now());
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
  readRollups(db, { destinationId }, w.from, w.to, { hourly }, (r) => {
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
