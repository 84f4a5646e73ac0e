import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPgSource, insertPgWebhook, type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable, recordBlocking } from "@/lib/db/pg-testing";
import { pruneDelivery } from "@/lib/delivery/retention";
import { insertDestination, insertWorkspaceAndSource, tempDb } from "@/lib/delivery/testing/fixtures";

// The hourly prune of delivery rows works in chunks of 2,000 with a turn of the event loop between
// them, so a large prune (an hour of outcomes at a high rate) never stops the process's requests
// and deliveries for its whole length; on PostgreSQL its deletes run on the asynchronous pool.

const DAY = 86_400_000;
const ROWS = 5000; // three chunks

function insertOld(db: Database.Database, where: { workspaceId: string; sourceId: string }, dest: string) {
  const old = Date.now() - 8 * DAY;
  const insert = db.prepare(
    `INSERT INTO "DeliveryOutcome" ("destinationId", "seq", "workspaceId", "sourceId", "messageId", "type", "status",
       "attempts", "receivedAt", "finishedAt") VALUES (?, ?, ?, ?, ?, 'track', 'delivered', 1, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) insert.run(dest, i, where.workspaceId, where.sourceId, `m${i}`, old, old);
    insert.run(dest, ROWS + 1, where.workspaceId, where.sourceId, "recent", Date.now(), Date.now());
  })();
}

/** Counts turns of the event loop while `work` runs. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const value = await work();
  running = false;
  return { value, turns };
}

const retention = { outcomeRetentionMs: 7 * DAY, rollupRetentionMs: 90 * DAY };

describe("the delivery prune", () => {
  it("deletes in chunks and lets the event loop run between them (SQLite)", async () => {
    const { db } = tempDb();
    try {
      const where = insertWorkspaceAndSource(db);
      const dest = insertDestination(db, {
        ...where,
        sourceIds: [where.sourceId],
        type: "webhook",
        name: "Hook",
        settings: { url: "https://x.example/" },
      });
      insertOld(db, where, dest);
      // Privacy removal notes follow the outcomes' retention too.
      const note = db.prepare(
        `INSERT INTO "PrivacyRemoval" ("destinationId", "seq", "workspaceId", "sourceId", "removed", "fields", "at")
         VALUES (?, ?, ?, ?, 1, '["email"]', ?)`,
      );
      note.run(dest, 1, where.workspaceId, where.sourceId, Date.now() - 8 * DAY);
      note.run(dest, ROWS + 1, where.workspaceId, where.sourceId, Date.now());
      const { value, turns } = await turnsDuring(() =>
        pruneDelivery(db, retention, Date.now(), new Set([dest])),
      );
      expect(value.outcomes).toBe(ROWS);
      expect(value.privacyRemovals).toBe(1);
      expect(db.prepare(`SELECT "seq" FROM "PrivacyRemoval"`).all()).toEqual([{ seq: ROWS + 1 }]);
      // Before: one synchronous loop over every chunk, and no turn at all until it ended.
      expect(turns).toBeGreaterThanOrEqual(2);
      expect(db.prepare(`SELECT "messageId" FROM "DeliveryOutcome"`).all()).toEqual([
        { messageId: "recent" },
      ]);
    } finally {
      db.close();
    }
  });

  it("stops between chunks when the process stops", async () => {
    const { db } = tempDb();
    try {
      const where = insertWorkspaceAndSource(db);
      insertOld(db, where, "dst_gone");
      let chunks = 0;
      const result = await pruneDelivery(db, retention, Date.now(), new Set(), () => ++chunks > 1);
      expect(result.outcomes).toBe(2000);
    } finally {
      db.close();
    }
  });
});

const available = await pgAvailable();
let pg: MigratedPg;
beforeAll(async () => {
  if (available) pg = await openMigratedPg();
});
afterAll(() => pg?.close());

describe.skipIf(!available)("the delivery prune on PostgreSQL", () => {
  it("runs its deletes off the blocking connection", async () => {
    const source = await insertPgSource(pg.pool);
    const dest = await insertPgWebhook(pg.pool, {
      id: "dst_prune",
      workspaceId: source.workspaceId,
      sourceId: source.id,
      url: "https://x.example/",
    });
    const sync = new PgSyncDatabase(pg.db.url);
    try {
      const db = sync.asDatabase();
      insertOld(db, { workspaceId: source.workspaceId, sourceId: source.id }, dest);
      const blocking = recordBlocking(sync).statements;
      const result = await pruneDelivery(db, retention, Date.now(), new Set([dest]));
      expect(result.outcomes).toBe(ROWS);
      expect(blocking.filter((sql) => sql.startsWith('DELETE FROM "Delivery'))).toEqual([]);
      const left = await pg.pool.query(`SELECT "messageId" FROM "DeliveryOutcome"`);
      expect(left.rows).toEqual([{ messageId: "recent" }]);
    } finally {
      sync.close();
    }
  });
});
