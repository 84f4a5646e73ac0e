import type Database from "better-sqlite3";
import type { Maybe } from "@/lib/db/off-loop";
import { sqlite } from "@/lib/db/sqlite";
import { perform, all as rowsOf, type Work } from "@/lib/db/work";
import { controlOf, controlsOf } from "@/lib/delivery/control";
import { destinationHealthWork, HEALTH_RULES } from "@/lib/delivery/health";
import { DenseHistogram } from "@/lib/metrics/dense";
import { bucketStarts, DAY, HOUR, type Window, windowView } from "@/lib/metrics/period";
import { readRollups } from "@/lib/metrics/rollup-reader";
import { compactedEnough } from "@/lib/metrics/scheduler";
import type { DestinationHealthRow, HealthActivity, OverviewView } from "@/lib/metrics/types";

// The workspace overview's delivery health: every destination's last 24 hours (hourly buckets, so
// whole hourly rollups serve it), its health state as lib/delivery/health.ts judged it, and the
// state changes as an activity feed (one row per change, not per failed message). Its reads are
// database work (lib/db/work.ts): off the event loop on PostgreSQL.

const ACTIVITY = 50;

/** The last 23 whole hours and the current one, up to the present. */
export function overviewWindow(now: number): Window {
  const from = Math.floor(now / HOUR) * HOUR + HOUR - DAY;
  return { period: "24h", from, to: now, bucketMs: HOUR, origin: 0 };
}

const rate = (bad: number, good: number) => (bad + good > 0 ? bad / (bad + good) : null);

export function workspaceOverview(
  workspaceId: string,
  opts: { db?: Database.Database; now?: number } = {},
): Maybe<OverviewView> {
  const db = opts.db ?? sqlite();
  return perform(db, overviewWork(db, workspaceId, opts.now ?? Date.now()));
}

function* overviewWork(db: Database.Database, workspaceId: string, now: number): Work<OverviewView> {
  yield* compactedEnough(db, now);
  const w = overviewWindow(now);
  const starts = bucketStarts(w);
  const health = yield* destinationHealthWork(workspaceId, now);
  const controls = yield* controlsOf(workspaceId);
  const rows = new Map<string, DestinationHealthRow & { hist: DenseHistogram }>();
  for (const h of health) {
    const control = controls.get(h.destinationId) ?? (yield* controlOf(h.destinationId));
    rows.set(h.destinationId, {
      destinationId: h.destinationId,
      name: h.name,
      type: h.type,
      enabled: h.enabled,
      state: h.state,
      since: h.since,
      reason: h.reason,
      delivered: 0,
      notDelivered: 0,
      failureRate: null,
      p95Ms: null,
      pendingRetries: h.pendingRetries,
      failedAttempts: 0,
      control,
      spark: starts.map((t) => ({ t, delivered: 0, notDelivered: 0 })),
      hist: new DenseHistogram(),
    });
  }
  yield* readRollups({ workspaceId }, w.from, w.to, { hourly: true }, (r) => {
    const row = rows.get(r.destinationId);
    const point = row?.spark[Math.floor((r.t - w.from) / HOUR)];
    if (!row || !point) return;
    row.delivered += r.delivered;
    row.notDelivered += r.notDelivered;
    row.failedAttempts += r.retried + r.notDelivered;
    point.delivered += r.delivered;
    point.notDelivered += r.notDelivered;
    row.hist.addEncoded(r.latencyHist);
  });
  const all = new DenseHistogram();
  const destinations = [...rows.values()].map(({ hist, ...row }) => {
    all.add(hist);
    return { ...row, failureRate: rate(row.notDelivered, row.delivered), p95Ms: hist.quantile(0.95) };
  });
  const delivered = destinations.reduce((n, d) => n + d.delivered, 0);
  const notDelivered = destinations.reduce((n, d) => n + d.notDelivered, 0);
  const activity = yield* rowsOf<HealthActivity>(
    `SELECT e."id", e."destinationId", d."name" AS "destinationName", e."state", e."previousState", e."at", e."reason"
     FROM "DestinationHealthEvent" e LEFT JOIN "Destination" d ON d."id" = e."destinationId"
     WHERE e."workspaceId" = ? ORDER BY e."at" DESC, e."id" DESC LIMIT ?`,
    [workspaceId, ACTIVITY],
  );
  return {
    window: windowView(w),
    rules: { ...HEALTH_RULES },
    totals: {
      delivered,
      notDelivered,
      failureRate: rate(notDelivered, delivered),
      p95Ms: all.quantile(0.95),
    },
    destinations,
    activity,
  };
}
