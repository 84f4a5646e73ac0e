import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertDestination, insertWorkspaceAndSource, tempDb } from "@/lib/delivery/testing/fixtures";
import { compactMetrics } from "@/lib/metrics/compact";
import { keyMetrics, trends } from "@/lib/metrics/dashboard";
import { errorSummary } from "@/lib/metrics/errors";
import { exactQuantile } from "@/lib/metrics/histogram";
import {
  bucketStarts,
  DAY,
  HOUR,
  MINUTE,
  PRESET_KEYS,
  resolveWindow,
  type Window,
} from "@/lib/metrics/period";
import { recordHistory, seeded } from "@/lib/metrics/testing/history";

// The dashboards against outcomes written by the delivery engine's own recorder: every count
// equals a COUNT over DeliveryOutcome, and P95 from rollups is within 2% of the exact P95 of
// 100,000+ heavy-tailed latencies, whatever state the hourly/error compaction is in.

const NOW = Date.UTC(2026, 2, 10, 12, 34, 56);
let db: Database.Database;
let busy: string;
let quiet: string;

beforeAll(() => {
  ({ db } = tempDb("switchyard-metrics-"));
  const ws = insertWorkspaceAndSource(db);
  const other = insertWorkspaceAndSource(db);
  const sources = [ws.sourceId, other.sourceId];
  const dest = (name: string) =>
    insertDestination(db, {
      workspaceId: ws.workspaceId,
      sourceIds: sources,
      type: "webhook",
      name,
      settings: { url: "https://x.example/" },
    });
  busy = dest("Busy");
  quiet = dest("Quiet");
  const base = {
    db,
    workspaceId: ws.workspaceId,
    sources,
    from: NOW - 31 * DAY,
    to: NOW,
    retriedFirst: 0.05,
  };
  recordHistory({ ...base, destinations: [busy], count: 125_000, random: seeded(1) });
  recordHistory({ ...base, destinations: [quiet], count: 8_000, random: seeded(2), firstSeq: 1_000_000 });
  // Quiet has nothing in the last 4 hours: the trends must show zeros there, not gaps.
  const cut = Math.floor((NOW - 4 * HOUR) / MINUTE) * MINUTE;
  db.prepare(`DELETE FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "finishedAt" >= ?`).run(quiet, cut);
  db.prepare(`DELETE FROM "DeliveryRollup" WHERE "destinationId" = ? AND "minute" >= ?`).run(quiet, cut);
  db.prepare(`DELETE FROM "DeliveryRetryRollup" WHERE "destinationId" = ? AND "minute" >= ?`).run(quiet, cut);
}, 120_000);
afterAll(() => db?.close());

function exact(destinationId: string, from: number, to: number) {
  const rows = db
    .prepare(
      `SELECT "status", "latencyMs", "errorType", "httpStatus", "finishedAt" FROM "DeliveryOutcome"
       WHERE "destinationId" = ? AND "finishedAt" >= ? AND "finishedAt" < ?`,
    )
    .all(destinationId, from, to) as {
    status: string;
    latencyMs: number | null;
    errorType: string | null;
    httpStatus: number | null;
    finishedAt: number;
  }[];
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const errors = new Map<string, number>();
  for (const r of rows)
    if (r.status === "not_delivered") errors.set(r.errorType!, (errors.get(r.errorType!) ?? 0) + 1);
  return {
    delivered: count("delivered"),
    notDelivered: count("not_delivered"),
    filtered: count("filtered"),
    unsupported: count("unsupported"),
    latencies: rows.filter((r) => r.status === "delivered").map((r) => r.latencyMs!),
    errors,
  };
}

const windows = (): Window[] => [
  ...PRESET_KEYS.map((period) => resolveWindow({ period }, NOW)),
  resolveWindow({ from: iso(NOW - 3 * DAY + 17 * MINUTE + 5000), to: iso(NOW - DAY + 5 * MINUTE) }, NOW),
  resolveWindow({ from: iso(NOW - 89 * MINUTE), to: iso(NOW - 7 * MINUTE) }, NOW),
  resolveWindow({ from: iso(NOW - 20 * DAY - 41 * MINUTE), to: iso(NOW - 12 * DAY) }, NOW),
];
const iso = (t: number) => new Date(t).toISOString();
const within = (actual: number | null, expected: number | null, tolerance: number) => {
  expect(actual === null).toBe(expected === null);
  if (actual !== null && expected !== null)
    expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(tolerance);
};

describe("Event Delivery panels", () => {
  it("has at least 100,000 delivered latencies with a heavy tail behind the busy destination", async () => {
    const all = exact(busy, 0, NOW + DAY).latencies;
    expect(all.length).toBeGreaterThanOrEqual(100_000);
    expect(all.filter((l) => l >= 10_000).length).toBeGreaterThan(900);
  });

  // Compaction moves forward in steps; every state must give the same exact answers.
  for (const [label, compactedTo] of [
    ["before any compaction", NOW - 40 * DAY],
    ["half compacted", NOW - 10 * DAY - 17 * MINUTE],
    ["fully compacted", NOW],
  ] as const) {
    it(`counts equal the outcomes exactly and P95 is within 2% (${label})`, async () => {
      await compactMetrics(db, compactedTo);
      const derived = (table: string) =>
        db.prepare(`SELECT COUNT(*) FROM "${table}"`).pluck().get() as number;
      expect(derived("DeliveryRollupHour") > 0).toBe(compactedTo > NOW - 31 * DAY);
      expect(derived("DeliveryErrorRollup") > 0).toBe(compactedTo > NOW - 31 * DAY);
      const opts = { db, now: compactedTo };
      for (const dest of [busy, quiet])
        for (const w of windows()) {
          const want = exact(dest, w.from, w.to);
          const km = await keyMetrics(dest, w, opts);
          expect(km).toMatchObject({
            delivered: want.delivered,
            notDelivered: want.notDelivered,
            filtered: want.filtered,
            unsupported: want.unsupported,
          });
          within(km.p95Ms, exactQuantile(want.latencies, 0.95), 0.02);
          const errs = await errorSummary(dest, w, opts);
          expect(errs.total).toBe(want.notDelivered);
          const finalByType = new Map<string, number>();
          for (const e of errs.errors.filter((x) => x.state === "final"))
            finalByType.set(e.errorType, (finalByType.get(e.errorType) ?? 0) + e.count);
          expect(finalByType).toEqual(want.errors);
          // Retrying rows: every failed attempt that was retried in the period, by type and status.
          const retrying = errs.errors.filter((x) => x.state === "retrying");
          expect(retrying.reduce((n, e) => n + e.attempts, 0)).toBe(km.retried);
          expect(errs.retryingAttempts).toBe(km.retried);
          expect(km.failedAttempts).toBe(km.retried + km.notDelivered);
          expect(errs.errors.map((e) => e.attempts)).toEqual(
            [...errs.errors.map((e) => e.attempts)].sort((a, b) => b - a),
          );
          const tr = await trends(dest, w, opts);
          expect(tr.points.map((p) => p.t)).toEqual(bucketStarts(w));
          for (const [i, p] of tr.points.entries()) {
            const b = exact(dest, p.t, tr.points[i + 1]?.t ?? w.to);
            expect([p.delivered, p.notDelivered, p.filtered]).toEqual([
              b.delivered,
              b.notDelivered,
              b.filtered + b.unsupported,
            ]);
            within(p.p95Ms, exactQuantile(b.latencies, 0.95), 0.02);
          }
        }
    }, 120_000);
  }

  it("reports the P95 of the whole busy history within 2% of the exact value", async () => {
    const w = resolveWindow({ from: iso(NOW - 31 * DAY - HOUR), to: iso(NOW + MINUTE) }, NOW);
    const want = exact(busy, w.from, w.to);
    expect(want.latencies.length).toBeGreaterThanOrEqual(100_000);
    const km = await keyMetrics(busy, w, { db, now: NOW });
    within(km.p95Ms, exactQuantile(want.latencies, 0.95), 0.02);
    within(km.p50Ms, exactQuantile(want.latencies, 0.5), 0.02);
  });

  it("fills buckets where nothing happened with zeros and no latency", async () => {
    const w = resolveWindow({ period: "1h" }, NOW);
    const tr = await trends(quiet, w, { db, now: NOW });
    // 60 minutes back from the present: the minute it started in, 59 whole ones, and the current one.
    expect(tr.points).toHaveLength(61);
    expect(tr.points.every((p) => p.delivered === 0 && p.notDelivered === 0 && p.p95Ms === null)).toBe(true);
    const km = await keyMetrics(quiet, w, { db, now: NOW });
    expect(km).toMatchObject({
      delivered: 0,
      notDelivered: 0,
      failureRate: null,
      p95Ms: null,
      hasHistory: true,
    });
  });
});
