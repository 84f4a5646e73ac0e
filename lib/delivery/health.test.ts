import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { insertPgSource, insertPgWebhook, type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable, recordBlocking } from "@/lib/db/pg-testing";
import { classifyHealth, destinationHealth, evaluateHealth } from "@/lib/delivery/health";
import { pruneDelivery } from "@/lib/delivery/retention";
import { minuteOf } from "@/lib/delivery/rollups";
import { insertHookWithSource, tempDb } from "@/lib/delivery/testing/fixtures";

let close: (() => void) | undefined;
afterEach(() => close?.());

function setup() {
  const { db } = tempDb();
  close = () => db.close();
  const { where, dest } = insertHookWithSource(db);
  const rollup = (at: number, c: { delivered?: number; notDelivered?: number; retried?: number }) =>
    db
      .prepare(
        `INSERT INTO "DeliveryRollup" ("destinationId", "sourceId", "minute", "workspaceId", "delivered", "notDelivered", "retried")
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        dest,
        where.sourceId,
        minuteOf(at),
        where.workspaceId,
        c.delivered ?? 0,
        c.notDelivered ?? 0,
        c.retried ?? 0,
      );
  return { db, dest, where, rollup };
}

describe("destination health", () => {
  it("judges by the share of failed attempts, with a minimum of 10", async () => {
    const h = (delivered: number, notDelivered: number, retried: number, pendingRetries = 0) =>
      classifyHealth({ delivered, notDelivered, retried, pendingRetries }).state;
    expect(h(0, 0, 0)).toBe("healthy");
    expect(h(0, 9, 0)).toBe("healthy");
    expect(h(5, 3, 2)).toBe("failing");
    expect(h(95, 0, 5)).toBe("degraded");
    expect(h(96, 0, 4)).toBe("healthy");
    expect(h(1000, 0, 0, 100)).toBe("degraded");
  });

  it("records one event per change and reports it to the console", async () => {
    const { db, dest, where, rollup } = setup();
    const t = Date.now();
    rollup(t, { delivered: 2, retried: 20 });
    expect(evaluateHealth(db, t)).toEqual([{ destinationId: dest, state: "failing" }]);
    expect(evaluateHealth(db, t + 1000)).toEqual([]);
    const view = await destinationHealth(where.workspaceId, { db, now: t + 1000 });
    expect(view).toEqual([
      expect.objectContaining({
        destinationId: dest,
        name: "Hook",
        state: "failing",
        since: t,
        reason: "91% of 22 attempts failed in the last 5 minutes",
        last24h: { delivered: 2, notDelivered: 0, filtered: 0, unsupported: 0, retried: 20 },
      }),
    ]);
    // Ten minutes later the window holds only successes.
    rollup(t + 10 * 60_000, { delivered: 50 });
    expect(evaluateHealth(db, t + 10 * 60_000)).toEqual([{ destinationId: dest, state: "healthy" }]);
    const events = db
      .prepare(`SELECT "state", "previousState" FROM "DestinationHealthEvent" ORDER BY "id"`)
      .all();
    expect(events).toEqual([
      { state: "failing", previousState: "healthy" },
      { state: "healthy", previousState: "failing" },
    ]);
    expect(db.prepare(`SELECT "enabled" FROM "Destination" WHERE "id" = ?`).get(dest)).toEqual({
      enabled: 1,
    });
  });

  it("prunes raw rows after the archive retention and rollups after 90 days", async () => {
    const { db, dest, where, rollup } = setup();
    const now = Date.now();
    const day = 86_400_000;
    rollup(now - 91 * day, { delivered: 1 });
    rollup(now - 30 * day, { delivered: 1 });
    const outcome = db.prepare(
      `INSERT INTO "DeliveryOutcome" ("destinationId", "seq", "workspaceId", "sourceId", "messageId", "type", "status",
         "attempts", "receivedAt", "finishedAt") VALUES (?, ?, ?, ?, ?, 'track', 'delivered', 1, ?, ?)`,
    );
    outcome.run(dest, 1, where.workspaceId, where.sourceId, "m1", now - 8 * day, now - 8 * day);
    outcome.run(dest, 2, where.workspaceId, where.sourceId, "m2", now - day, now - day);
    outcome.run("deleted-destination", 3, where.workspaceId, where.sourceId, "m3", now, now);
    const result = await pruneDelivery(
      db,
      { outcomeRetentionMs: 7 * day, rollupRetentionMs: 90 * day },
      now,
      new Set([dest]),
    );
    expect(result).toMatchObject({ outcomes: 1, rollups: 1, orphans: 1 });
    expect(db.prepare(`SELECT "seq" FROM "DeliveryOutcome"`).all()).toEqual([{ seq: 2 }]);
  });
});

const pgUp = await pgAvailable();
let pgdb: MigratedPg;
beforeAll(async () => {
  if (pgUp) pgdb = await openMigratedPg();
});
afterAll(() => pgdb?.close());

describe.skipIf(!pgUp)("destination health on PostgreSQL", () => {
  it("judges and records a change without a blocking statement", async () => {
    const source = await insertPgSource(pgdb.pool);
    const dest = await insertPgWebhook(pgdb.pool, {
      id: "dst_health",
      workspaceId: source.workspaceId,
      sourceId: source.id,
      url: "https://x.example/",
    });
    const t = Date.now();
    await pgdb.pool.query(
      `INSERT INTO "DeliveryRollup" ("destinationId", "sourceId", "minute", "workspaceId", "delivered", "notDelivered", "retried")
       VALUES ($1, $2, $3, $4, 2, 0, 20)`,
      [dest, source.id, minuteOf(t), source.workspaceId],
    );
    const sync = new PgSyncDatabase(pgdb.db.url);
    const blocking = recordBlocking(sync).statements;
    try {
      const db = sync.asDatabase();
      expect(await evaluateHealth(db, t)).toEqual([{ destinationId: dest, state: "failing" }]);
      expect(await evaluateHealth(db, t + 1000)).toEqual([]);
      expect(blocking).toEqual([]);
      const events = await pgdb.pool.query(`SELECT "state", "previousState" FROM "DestinationHealthEvent"`);
      expect(events.rows).toEqual([{ state: "failing", previousState: "healthy" }]);
    } finally {
      sync.close();
    }
  });
});
