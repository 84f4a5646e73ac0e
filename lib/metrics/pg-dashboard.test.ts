import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPgSource, insertPgWebhook, type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable, recordBlocking } from "@/lib/db/pg-testing";
import { eventDelivery } from "@/lib/delivery/event-delivery";
import { evaluateHealth } from "@/lib/delivery/health";
import { insertDestination, insertWorkspaceAndSource, tempDb } from "@/lib/delivery/testing/fixtures";
import { compactMetrics } from "@/lib/metrics/compact";
import { keyMetrics, trends } from "@/lib/metrics/dashboard";
import { errorSamples, errorSummary } from "@/lib/metrics/errors";
import { workspaceOverview } from "@/lib/metrics/overview";
import { DAY, MINUTE, resolveWindow } from "@/lib/metrics/period";
import { recordHistory, seeded } from "@/lib/metrics/testing/history";

// The Event Delivery dashboards on PostgreSQL: the same delivery history gives the same Key
// metrics, Trends, Error details, samples and workspace overview as on SQLite, and neither the
// reads nor the compaction they trigger make one blocking round trip: a dashboard left open (or
// the minute's compaction) never stops the event loop of the instance that takes tracking calls.
// Two compactions at once (two dashboards opened together) take turns instead of both rebuilding
// the same hours and failing on each other's rows.

const NOW = Date.UTC(2026, 8, 1, 10, 20, 0);
const TABLES = [
  "DeliveryRollup",
  "DeliveryOutcome",
  "DeliverySample",
  "DeliveryRetryRollup",
  "DestinationHealthEvent",
];

const available = await pgAvailable();
let pg: MigratedPg;
let sync: PgSyncDatabase;
let lite: Database.Database;
let cleanup = () => {};
const ids = { sqliteWorkspace: "", pgWorkspace: "", destinations: [] as string[] };

/** Copies the delivery history's rows from SQLite into PostgreSQL, in the PostgreSQL workspace and source. */
async function copyHistory(map: Map<string, string>) {
  for (const table of TABLES) {
    const rows = lite.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const columns = Object.keys(chunk[0]!);
      const values: unknown[] = [];
      const tuples = chunk.map((row) => {
        const start = values.length;
        for (const c of columns) values.push(map.get(String(row[c])) ?? row[c]);
        return `(${columns.map((_, k) => `$${start + k + 1}`).join(", ")})`;
      });
      await pg.pool.query(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`,
        values,
      );
    }
  }
}

beforeAll(async () => {
  if (!available) return;
  const temp = tempDb("switchyard-pg-dashboard-");
  lite = temp.db;
  cleanup = () => lite.close();
  const ws = insertWorkspaceAndSource(lite);
  ids.sqliteWorkspace = ws.workspaceId;
  for (const name of ["Busy", "Failing"])
    ids.destinations.push(
      insertDestination(lite, {
        ...ws,
        sourceIds: [ws.sourceId],
        type: "webhook",
        name,
        settings: { url: "https://x.example/" },
      }),
    );
  const base = { db: lite, workspaceId: ws.workspaceId, sources: [ws.sourceId], random: seeded(7) };
  recordHistory({
    ...base,
    destinations: [ids.destinations[0]!],
    from: NOW - 3 * DAY,
    to: NOW,
    count: 4000,
    retriedFirst: 0.1,
  });
  recordHistory({
    ...base,
    destinations: [ids.destinations[1]!],
    from: NOW - 10 * MINUTE,
    to: NOW,
    count: 300,
    notDelivered: 0.8,
    firstSeq: 100_000,
  });
  evaluateHealth(lite, NOW);

  pg = await openMigratedPg();
  sync = new PgSyncDatabase(pg.db.url);
  const source = await insertPgSource(pg.pool);
  ids.pgWorkspace = source.workspaceId;
  for (const [i, id] of ids.destinations.entries())
    await insertPgWebhook(pg.pool, {
      id,
      name: ["Busy", "Failing"][i],
      workspaceId: source.workspaceId,
      sourceId: source.id,
      url: "https://x.example/",
    });
  await copyHistory(
    new Map([
      [ws.workspaceId, source.workspaceId],
      [ws.sourceId, source.id],
    ]),
  );
});

afterAll(async () => {
  cleanup();
  sync?.close();
  await pg?.close();
});

/** Everything the Event Delivery tab and the overview show, for one database. */
async function panels(db: Database.Database, workspaceId: string) {
  const out: Record<string, unknown> = {};
  for (const period of ["24h", "7d"] as const) {
    const w = resolveWindow({ period }, NOW);
    for (const id of ids.destinations) {
      out[`${period} ${id} metrics`] = await keyMetrics(id, w, { db, now: NOW });
      out[`${period} ${id} trends`] = await trends(id, w, { db, now: NOW });
      out[`${period} ${id} errors`] = await errorSummary(id, w, { db, now: NOW });
      out[`${period} ${id} samples`] = await errorSamples(id, "server_error", w, { db });
    }
  }
  out.overview = await workspaceOverview(workspaceId, { db, now: NOW });
  return out;
}

describe.skipIf(!available)("Event Delivery dashboards on PostgreSQL", () => {
  it("answer as on SQLite, compaction included, without one blocking round trip", async () => {
    const pgdb = sync.asDatabase();
    const record = recordBlocking(sync);
    try {
      // Two at once, as when two people open dashboards together: they take turns, both succeed.
      const running = [compactMetrics(pgdb, NOW), compactMetrics(pgdb, NOW)];
      expect(running[0]).toBeInstanceOf(Promise);
      const [a, b] = await Promise.all(running);
      expect(a).toEqual(b);
      const onPg = await panels(pgdb, ids.pgWorkspace);
      expect(
        await eventDelivery(pgdb, { workspaceId: ids.pgWorkspace, sourceId: "none", seq: 1 }),
      ).toBeNull();
      expect(record.statements).toEqual([]);

      await compactMetrics(lite, NOW);
      const onSqlite = await panels(lite, ids.sqliteWorkspace);
      const busy = onSqlite[`24h ${ids.destinations[0]} metrics`] as { delivered: number; p95Ms: number };
      expect(busy.delivered).toBeGreaterThan(500);
      expect(busy.p95Ms).toBeGreaterThan(0);
      const failing = onSqlite[`24h ${ids.destinations[1]} errors`] as { total: number };
      expect(failing.total).toBeGreaterThan(100);
      expect(onPg).toEqual(onSqlite);

      const hours = await pg.pool.query(`SELECT COUNT(*)::int AS n FROM "DeliveryRollupHour"`);
      expect(hours.rows[0].n).toBe(lite.prepare(`SELECT COUNT(*) FROM "DeliveryRollupHour"`).pluck().get());
    } finally {
      record.stop();
    }
  });
});
