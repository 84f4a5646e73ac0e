import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable, recordBlocking } from "@/lib/db/pg-testing";
import { all, get, perform, performBlocking, pluck, run, transaction, type Work } from "@/lib/db/work";

// Work written once runs on both databases with the same answers: synchronously on SQLite, and on
// PostgreSQL on the asynchronous pool without one blocking round trip. A failure inside a
// transaction rolls all of it back on both, and reaches the work's own try/catch.

const TABLE = `CREATE TABLE "WorkItem" ("id" TEXT PRIMARY KEY, "n" BIGINT NOT NULL)`;

function* addItems(ids: string[], n: number): Work<number> {
  let changed = 0;
  for (const id of ids) changed += yield* run(`INSERT INTO "WorkItem" ("id", "n") VALUES (?, ?)`, [id, n]);
  return changed;
}

function* summary(): Work<{ count: number; total: number; first?: { id: string; n: number } }> {
  const count = (yield* pluck<number>(`SELECT COUNT(*) FROM "WorkItem"`)) ?? 0;
  const total = (yield* pluck<number>(`SELECT COALESCE(SUM("n"), 0) FROM "WorkItem"`)) ?? 0;
  const first = yield* get<{ id: string; n: number }>(
    `SELECT "id", "n" FROM "WorkItem" ORDER BY "id" LIMIT 1`,
  );
  return { count, total, first };
}

/** Adds two items, then fails on a duplicate key inside the same transaction: nothing stays. */
function* failingBatch(): Work<string> {
  try {
    yield* transaction(addItems(["x1", "x2", "a"], 1));
    return "committed";
  } catch (err) {
    return `rolled back: ${(err as Error).message.includes("UNIQUE") || /duplicate key/.test((err as Error).message)}`;
  }
}

function checks(open: () => Promise<{ db: Database.Database; blocking?: () => string[] }>) {
  return async () => {
    const { db, blocking } = await open();
    const sync = !blocking;
    const added = perform(db, transaction(addItems(["a", "b", "c"], 5_000_000_000)));
    if (sync) expect(added).not.toBeInstanceOf(Promise);
    expect(await added).toBe(3);

    const s = await perform(db, summary());
    // bigint SUM comes back as a number on both (PostgreSQL's numeric included).
    expect(s).toEqual({ count: 3, total: 15_000_000_000, first: { id: "a", n: 5_000_000_000 } });

    expect(await perform(db, failingBatch())).toBe("rolled back: true");
    expect(await perform(db, pluck<number>(`SELECT COUNT(*) FROM "WorkItem"`))).toBe(3);
    expect(
      await perform(
        db,
        all<{ id: string }>(`SELECT "id" FROM "WorkItem" WHERE "id" > ? ORDER BY "id"`, ["a"]),
      ),
    ).toEqual([{ id: "b" }, { id: "c" }]);
    expect(await perform(db, pluck(`SELECT "id" FROM "WorkItem" WHERE "id" = ?`, ["none"]))).toBeUndefined();
    // An error the work does not catch reaches the caller.
    await expect(async () =>
      perform(db, run(`INSERT INTO "Missing" ("id") VALUES (?)`, ["z"])),
    ).rejects.toThrow(/Missing/);
    if (blocking) expect(blocking()).toEqual([]);
    // performBlocking answers at once on both (PostgreSQL: on the blocking connection).
    expect(performBlocking(db, summary())).toEqual({
      count: 3,
      total: 15_000_000_000,
      first: { id: "a", n: 5_000_000_000 },
    });
  };
}

describe("perform on SQLite", () => {
  it(
    "answers synchronously, reads and writes, and rolls a failed transaction back",
    checks(async () => {
      const db = new Database(":memory:");
      db.exec(TABLE);
      return { db };
    }),
  );
});

const available = await pgAvailable();
let pgdb: MigratedPg;
let sync: PgSyncDatabase;
beforeAll(async () => {
  if (!available) return;
  pgdb = await openMigratedPg();
  sync = new PgSyncDatabase(pgdb.db.url);
});
afterAll(async () => {
  sync?.close();
  await pgdb?.close();
});

describe.skipIf(!available)("perform on PostgreSQL", () => {
  it(
    "answers the same on the asynchronous pool, with no blocking round trip",
    checks(async () => {
      await pgdb.pool.query(TABLE);
      const record = recordBlocking(sync);
      const blocking = () => {
        record.stop();
        return record.statements;
      };
      return { db: sync.asDatabase(), blocking };
    }),
  );
});
