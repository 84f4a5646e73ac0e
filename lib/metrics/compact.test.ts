import type Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { insertDestination, insertWorkspaceAndSource, tempDb } from "@/lib/delivery/testing/fixtures";
import { compactionBehind, compactMetrics, GRACE_MS } from "@/lib/metrics/compact";
import { Histogram } from "@/lib/metrics/histogram";
import { DAY, HOUR, MINUTE } from "@/lib/metrics/period";
import { pruneDerived } from "@/lib/metrics/prune";
import { recordHistory, seeded } from "@/lib/metrics/testing/history";
import { watermark } from "@/lib/metrics/watermark";

const NOW = Date.UTC(2026, 4, 2, 9, 1, 30);
let db: Database.Database | undefined;
afterEach(() => db?.close());

function setup(count = 20_000) {
  ({ db } = tempDb("switchyard-compact-"));
  const ws = insertWorkspaceAndSource(db);
  const second = insertWorkspaceAndSource(db);
  const sources = [ws.sourceId, second.sourceId];
  const destinations = ["A", "B"].map((name) =>
    insertDestination(db!, {
      workspaceId: ws.workspaceId,
      sourceIds: sources,
      type: "webhook",
      name,
      settings: { url: "https://x.example/" },
    }),
  );
  recordHistory({
    db,
    workspaceId: ws.workspaceId,
    destinations,
    sources,
    from: NOW - 3 * DAY,
    to: NOW,
    count,
    random: seeded(7),
    retriedFirst: 0.1,
  });
  return { db, destinations };
}

type Row = Record<string, number | string>;
const sorted = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();

describe("hourly compaction", () => {
  it("equals the minute rollups it summarizes, histograms included", async () => {
    const { db } = setup();
    await compactMetrics(db, NOW);
    const through = (await watermark(db, "hourly"))!;
    expect(through).toBe(Math.floor((NOW - GRACE_MS) / HOUR) * HOUR);
    const hourly = db
      .prepare(
        `SELECT "destinationId", "sourceId", "hour", "delivered", "notDelivered", "filtered", "unsupported", "retried",
           "latencySum", "latencyHist" FROM "DeliveryRollupHour"`,
      )
      .all() as Row[];
    const minutes = db
      .prepare(
        `SELECT "destinationId", "sourceId", ("minute" / ${HOUR}) * ${HOUR} AS "hour", SUM("delivered") AS "delivered",
           SUM("notDelivered") AS "notDelivered", SUM("filtered") AS "filtered", SUM("unsupported") AS "unsupported",
           SUM("retried") AS "retried", SUM("latencySum") AS "latencySum", GROUP_CONCAT("latencyHist", ';') AS "hists"
         FROM "DeliveryRollup" WHERE "minute" < ? GROUP BY 1, 2, 3`,
      )
      .all(through) as (Row & { hists: string })[];
    const expected = minutes.map(({ hists, ...r }) => ({
      ...r,
      latencyHist: Histogram.mergeEncoded(hists.split(";")).encode(),
    }));
    expect(hourly.length).toBeGreaterThan(100);
    expect(sorted(hourly)).toEqual(sorted(expected));
    // The hour still being written (and the grace after it) is left to the minute rows.
    expect(hourly.every((r) => Number(r.hour) < through)).toBe(true);
  });

  it("is idempotent, resumable and never moves backwards", async () => {
    const { db } = setup(5_000);
    const snapshot = () => db.prepare(`SELECT * FROM "DeliveryRollupHour" ORDER BY 1, 2, 3`).all();
    await compactMetrics(db, NOW - DAY);
    expect(await watermark(db, "hourly")).toBe(Math.floor((NOW - DAY - GRACE_MS) / HOUR) * HOUR);
    await compactMetrics(db, NOW);
    const once = snapshot();
    await compactMetrics(db, NOW);
    await compactMetrics(db, NOW - 2 * DAY);
    expect(snapshot()).toEqual(once);
    expect(await watermark(db, "hourly")).toBe(Math.floor((NOW - GRACE_MS) / HOUR) * HOUR);
    expect(await compactionBehind(db, NOW)).toBe(false);
    expect(await compactionBehind(db, NOW + 2 * HOUR)).toBe(true);
  });

  it("stops between transactions when the time budget is spent", async () => {
    const { db } = setup(5_000);
    await compactMetrics(db, NOW, { budgetMs: 0 });
    const hourly = (await watermark(db, "hourly"))!;
    expect(hourly).toBeLessThan(Math.floor((NOW - GRACE_MS) / HOUR) * HOUR);
    expect(hourly).toBeGreaterThanOrEqual(NOW - 4 * DAY);
  });
});

describe("error compaction", () => {
  it("counts not-delivered outcomes per minute, type and status exactly", async () => {
    const { db } = setup();
    await compactMetrics(db, NOW);
    const through = (await watermark(db, "errors"))!;
    expect(through).toBe(Math.floor((NOW - GRACE_MS) / MINUTE) * MINUTE);
    const rolled = db
      .prepare(
        `SELECT "destinationId", "minute", "errorType", "httpStatus", "count", "lastAt" FROM "DeliveryErrorRollup"`,
      )
      .all() as Row[];
    const raw = db
      .prepare(
        `SELECT "destinationId", ("finishedAt" / ${MINUTE}) * ${MINUTE} AS "minute", "errorType",
           COALESCE("httpStatus", 0) AS "httpStatus", COUNT(*) AS "count", MAX("finishedAt") AS "lastAt"
         FROM "DeliveryOutcome" WHERE "status" = 'not_delivered' AND "finishedAt" < ? GROUP BY 1, 2, 3, 4`,
      )
      .all(through) as Row[];
    expect(rolled.length).toBeGreaterThan(100);
    expect(sorted(rolled)).toEqual(sorted(raw));
  });

  it("drops the rows of deleted destinations and past the rollup retention", async () => {
    const { db, destinations } = setup(2_000);
    await compactMetrics(db, NOW);
    db.prepare(`DELETE FROM "Destination" WHERE "id" = ?`).run(destinations[0]);
    await pruneDerived(db, NOW + 91 * DAY - 2 * DAY, true);
    const left = (table: string) =>
      db.prepare(`SELECT DISTINCT "destinationId" FROM "${table}"`).pluck().all() as string[];
    expect(left("DeliveryRollupHour")).toEqual([destinations[1]]);
    expect(left("DeliveryErrorRollup")).toEqual([destinations[1]]);
    await pruneDerived(db, NOW + 91 * DAY + 1, true);
    expect(left("DeliveryRollupHour")).toEqual([]);
  });
});
