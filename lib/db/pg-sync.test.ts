import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { singletonLease } from "@/lib/db/lease";
import { type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { PgSyncDatabase, translate } from "@/lib/db/pg-sync";
import { frozenPath, pgAvailable, recordBlocking } from "@/lib/db/pg-testing";

describe("statement translation for PostgreSQL", () => {
  const keys = new Map([["DeliveryJob", "id"]]);
  it("numbers placeholders, keeps SQLite's case-insensitive LIKE and drops unary-plus hints", () => {
    expect(translate(`SELECT 1 FROM "M" WHERE "a" = ? AND +"b" = ? AND "p" LIKE ? ESCAPE '\\'`, keys)).toBe(
      `SELECT 1 FROM "M" WHERE "a" = $1 AND "b" = $2 AND "p" ILIKE $3 ESCAPE '\\'`,
    );
  });
  it("turns SQLite's scalar two-argument MAX/MIN into GREATEST/LEAST and leaves aggregates alone", () => {
    expect(
      translate(`UPDATE "R" SET "lastAt" = MAX("R"."lastAt", excluded."lastAt"), "n" = MIN("a", ?)`, keys),
    ).toBe(`UPDATE "R" SET "lastAt" = GREATEST("R"."lastAt", excluded."lastAt"), "n" = LEAST("a", $1)`);
    expect(translate(`SELECT MAX("seq"), MIN("at") FROM "M"`, keys)).toBe(
      `SELECT MAX("seq"), MIN("at") FROM "M"`,
    );
  });
  it("returns the autoincrement key of inserts (lastInsertRowid), only for tables that have one", () => {
    expect(translate(`INSERT INTO "DeliveryJob" ("x") VALUES (?)`, keys)).toBe(
      `INSERT INTO "DeliveryJob" ("x") VALUES ($1) RETURNING "id"`,
    );
    expect(translate(`INSERT INTO "Other" ("x") VALUES (?)`, keys)).toBe(
      `INSERT INTO "Other" ("x") VALUES ($1)`,
    );
  });
});

// PostgreSQL at TEST_PG_URL (README); without one these tests are skipped.
const available = await pgAvailable();
let pg: MigratedPg;
beforeAll(async () => {
  if (available) pg = await openMigratedPg();
});
afterAll(() => pg?.close());

describe.skipIf(!available)("the synchronous PostgreSQL connection", () => {
  it("fails a statement the database does not answer within PG_BLOCKING_TIMEOUT_MS, then reconnects once it answers again", async () => {
    const path = await frozenPath(pg.db.url);
    const before = process.env.PG_BLOCKING_TIMEOUT_MS;
    process.env.PG_BLOCKING_TIMEOUT_MS = "1000";
    const db = new PgSyncDatabase(path.url);
    try {
      const one = db.prepare("SELECT 1 AS one");
      expect(one.get()).toEqual({ one: 1 });
      await path.freeze(true);
      // The blocked caller gets an error instead of waiting for as long as the outage lasts…
      expect(() => one.get()).toThrow("PostgreSQL did not answer within 1 s");
      // …and so does the asynchronous pool (its statement fails and its connection is dropped).
      await expect(db.asyncPool().query("SELECT 2")).rejects.toThrow();
      // A statement while the path is still frozen fails too (connecting times out): nothing hangs.
      expect(() => one.get()).toThrow();
      await path.freeze(false);
      // Answers are never mixed up: the late ones of the failed calls are skipped.
      expect(one.get()).toEqual({ one: 1 });
      expect(db.prepare("SELECT 3 AS three").get()).toEqual({ three: 3 });
      expect((await db.asyncPool().query("SELECT 4 AS four")).rows).toEqual([{ four: 4 }]);
    } finally {
      if (before === undefined) delete process.env.PG_BLOCKING_TIMEOUT_MS;
      else process.env.PG_BLOCKING_TIMEOUT_MS = before;
      await path.freeze(false);
      db.close();
      await path.close();
    }
  }, 30_000);

  it("runs statements, transactions (with rollback) and lastInsertRowid like better-sqlite3", () => {
    const db = new PgSyncDatabase(pg.db.url);
    const insert = db.prepare(
      `INSERT INTO "DestinationHealthEvent" ("destinationId", "workspaceId", "state", "previousState", "at", "reason") VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const first = insert.run("d1", "w1", "healthy", null, Date.now(), "ok");
    expect(first.changes).toBe(1);
    expect(first.lastInsertRowid).toBeGreaterThan(0);
    expect(() =>
      db.transaction(() => {
        insert.run("d1", "w1", "failing", "healthy", Date.now(), "x");
        throw new Error("abort");
      })(),
    ).toThrow("abort");
    const count = db.prepare(`SELECT COUNT(*) FROM "DestinationHealthEvent"`).pluck();
    expect(count.get()).toBe(1);
    db.transaction(() => insert.run("d2", "w1", "healthy", null, Date.now(), "ok"))();
    expect(count.get()).toBe(2);
    expect(() => db.prepare(`SELECT * FROM "NoSuchTable"`).all()).toThrow(/NoSuchTable/);
    db.close();
  });

  it("runs statements sent without waiting before the next call, and reports their error there", () => {
    const db = new PgSyncDatabase(pg.db.url);
    const count = db
      .prepare(`SELECT COUNT(*) FROM "DestinationHealthEvent" WHERE "destinationId" = 'q1'`)
      .pluck();
    db.send(
      `INSERT INTO "DestinationHealthEvent" ("destinationId", "workspaceId", "state", "previousState", "at", "reason") VALUES ($1, 'w1', 'healthy', NULL, $2, 'ok')`,
      ["q1", Date.now()],
    );
    expect(count.get()).toBe(1); // the unanswered insert ran first
    db.send(`SELECT * FROM "NoSuchTable"`);
    expect(() => count.get()).toThrow(/NoSuchTable/); // its error comes back instead of running
    expect(count.get()).toBe(1); // and only once
    // Transactions begin without a round trip; a failed one still rolls back whole.
    expect(() =>
      db.transaction(() => {
        db.prepare(
          `INSERT INTO "DestinationHealthEvent" ("destinationId", "workspaceId", "state", "previousState", "at", "reason") VALUES ('q1', 'w1', 'failing', NULL, ?, 'x')`,
        ).run(Date.now());
        throw new Error("abort");
      })(),
    ).toThrow("abort");
    expect(count.get()).toBe(1);
    db.close();
  });

  it("captures writes in order without running them, and refuses a read while capturing", () => {
    const db = new PgSyncDatabase(pg.db.url);
    const count = db
      .prepare(`SELECT COUNT(*) FROM "DestinationHealthEvent" WHERE "destinationId" = 'c1'`)
      .pluck();
    const insert = db.prepare(
      `INSERT INTO "DestinationHealthEvent" ("destinationId", "workspaceId", "state", "previousState", "at", "reason") VALUES (?, 'w1', ?, NULL, 1, 'ok')`,
    );
    const captured = db.captureWrites(() => {
      insert.run("c1", "healthy");
      db.send(`SELECT pg_notify('nobody', 'x')`);
      insert.run("c1", "failing");
    });
    expect(captured.map((c) => c.params)).toEqual([["c1", "healthy"], [], ["c1", "failing"]]);
    expect(captured[0]!.sql).toContain("VALUES ($1, 'w1', $2, NULL, 1, 'ok')");
    expect(count.get()).toBe(0); // nothing ran
    expect(() => db.captureWrites(() => count.get())).toThrow(/only writes can be captured/i);
    expect(count.get()).toBe(0); // and the connection is usable again
    db.close();
  });

  it("gives a singleton lease to one process at a time and hands it over when the holder goes", async () => {
    const a = new PgSyncDatabase(pg.db.url);
    const b = new PgSyncDatabase(pg.db.url);
    let acquiredA = 0;
    const leaseA = singletonLease(a.asDatabase(), "test-singleton", { onAcquired: () => acquiredA++ });
    expect(await leaseA.check()).toBe(true);
    expect(leaseA.held()).toBe(true);
    expect(acquiredA).toBe(1);
    const leaseB = singletonLease(b.asDatabase(), "test-singleton");
    expect(await leaseB.check()).toBe(false);
    expect(await leaseA.check()).toBe(true); // re-checking does not stack the lock
    expect(acquiredA).toBe(1);
    // Checked on its own session: the blocking connection does not wait for it.
    const recording = recordBlocking(a);
    leaseA.held();
    expect(await leaseA.check()).toBe(true);
    recording.stop();
    expect(recording.statements).toEqual([]);
    a.close(); // the holder's connections end (a killed process)
    let heldByB = false;
    for (let i = 0; i < 100 && !heldByB; i++) {
      heldByB = await leaseB.check();
      if (!heldByB) await new Promise((r) => setTimeout(r, 20));
    }
    expect(heldByB).toBe(true);
    await leaseB.release();
    // Released: a third process takes it at once.
    const c = new PgSyncDatabase(pg.db.url);
    expect(await singletonLease(c.asDatabase(), "test-singleton").check()).toBe(true);
    c.close();
    b.close();
  });
});
