import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPgSource, insertPgWebhook, type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable, recordBlocking } from "@/lib/db/pg-testing";
import { pruneDelivery } from "@/lib/delivery/retention";
import { insertHookWithSource, insertWorkspaceAndSource, tempDb } from "@/lib/delivery/testing/fixtures";

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

/** Jobs of `dest` waiting for a retry: three past their retry deadline, one not yet. */
function insertParked(db: Database.Database, where: { workspaceId: string; sourceId: string }, dest: string) {
  const now = Date.now();
  const insert = db.prepare(
    `INSERT INTO "DeliveryJob" ("destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "event",
       "receivedAt", "attempts", "nextAttemptAt", "leaseUntil", "deadlineAt", "createdAt", "lastStatus",
       "lastErrorType", "lastError") VALUES (?, ?, ?, ?, ?, 'track', 'E', ?, 3, ?, 0, ?, ?, 503, 'server_error', 'HTTP 503')`,
  );
  for (let i = 1; i <= 4; i++)
    insert.run(
      dest,
      where.workspaceId,
      where.sourceId,
      100 + i,
      `parked-${i}`,
      now - DAY,
      now - 1000,
      i <= 3 ? now - 1 : now + DAY,
      now - DAY,
    );
}

/** What the user sees of the parked jobs after the prune: their outcomes and the counters. */
async function parkedAfterPrune(db: Database.Database, read: Database.Database, dest: string) {
  const result = await pruneDelivery(db, retention, Date.now(), new Set());
  const outcomes = read
    .prepare(
      `SELECT "messageId", "status", "errorType", "errorMessage" FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "messageId" LIKE 'parked-%' ORDER BY "messageId"`,
    )
    .all(dest);
  const waiting = read.prepare(`SELECT "messageId" FROM "DeliveryJob" WHERE "destinationId" = ?`).all(dest);
  const counted = read
    .prepare(`SELECT SUM("notDelivered") AS "n" FROM "DeliveryRollup" WHERE "destinationId" = ?`)
    .get(dest) as { n: number | string | null };
  return { expired: result.expired, outcomes, waiting, notDelivered: Number(counted.n) };
}

const expectParkedExpired = (seen: Awaited<ReturnType<typeof parkedAfterPrune>>) => {
  expect(seen.expired).toBe(3);
  expect(seen.outcomes).toEqual(
    [1, 2, 3].map((i) => ({
      messageId: `parked-${i}`,
      status: "not_delivered",
      errorType: "destination_disabled",
      errorMessage: "The destination was disabled until the retry deadline passed (last error: HTTP 503)",
    })),
  );
  expect(seen.waiting).toEqual([{ messageId: "parked-4" }]);
  expect(seen.notDelivered).toBe(3);
};

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

/** A source and a webhook on PostgreSQL, with a blocking connection to run the prune through. */
async function pgHook(id: string) {
  const source = await insertPgSource(pg.pool);
  const dest = await insertPgWebhook(pg.pool, {
    id,
    workspaceId: source.workspaceId,
    sourceId: source.id,
    url: "https://x.example/",
  });
  return {
    where: { workspaceId: source.workspaceId, sourceId: source.id },
    dest,
    sync: new PgSyncDatabase(pg.db.url),
  };
}

describe("the delivery prune", () => {
  it("deletes in chunks and lets the event loop run between them (SQLite)", async () => {
    const { db } = tempDb();
    try {
      const { where, dest } = insertHookWithSource(db);
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

  it("gives up on a disabled destination's messages past their retry deadline (SQLite)", async () => {
    const { db } = tempDb();
    try {
      const { where, dest } = insertHookWithSource(db);
      insertParked(db, where, dest);
      expectParkedExpired(await parkedAfterPrune(db, db, dest));
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
    const { where, dest, sync } = await pgHook("dst_prune");
    try {
      const db = sync.asDatabase();
      insertOld(db, where, dest);
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

  it("gives up on a disabled destination's parked messages off the blocking connection", async () => {
    const { where, dest, sync } = await pgHook("dst_parked");
    const reader = new PgSyncDatabase(pg.db.url);
    try {
      const db = sync.asDatabase();
      insertParked(db, where, dest);
      const recording = recordBlocking(sync);
      const seen = await parkedAfterPrune(db, reader.asDatabase(), dest);
      recording.stop();
      expectParkedExpired(seen);
      // Nothing of the whole prune waited on the blocking connection.
      expect(recording.statements).toEqual([]);
    } finally {
      sync.close();
      reader.close();
    }
  });
});
