import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openPgPool } from "@/lib/db/pg";
import { insertPgSource, type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { migratePg } from "@/lib/db/pg-migrate";
import { createTestDatabase, frozenPath, pgAvailable } from "@/lib/db/pg-testing";
import { PgArchiveStore } from "@/lib/ingest/pg-store";

// The ingest's own pool (lib/db/pg.ts) under PG_BLOCKING_TIMEOUT_MS: a database that stops
// answering fails a group commit instead of holding it (and every request waiting on it) for as
// long as the outage lasts; migrations, which may rightly take long, are not cut short.

const available = await pgAvailable();
let pg: MigratedPg;
let source: { id: string; workspaceId: string };
const before = process.env.PG_BLOCKING_TIMEOUT_MS;
beforeAll(async () => {
  if (!available) return;
  pg = await openMigratedPg();
  source = await insertPgSource(pg.pool);
});
afterAll(() => pg?.close());
afterEach(() => {
  if (before === undefined) delete process.env.PG_BLOCKING_TIMEOUT_MS;
  else process.env.PG_BLOCKING_TIMEOUT_MS = before;
});

const message = (id: string) => ({
  workspaceId: source.workspaceId,
  sourceId: source.id,
  messageId: id,
  type: "track",
  event: "Order Completed",
  userId: "u1",
  anonymousId: null,
  status: "accepted" as const,
  reason: null,
  receivedAt: Date.now(),
  payload: JSON.stringify({ type: "track", messageId: id }),
  dedup: true,
});

describe.skipIf(!available)("the ingest pool when PostgreSQL stops answering", () => {
  it("fails the group commit after PG_BLOCKING_TIMEOUT_MS, drops the connection and stores the retry once it answers", async () => {
    process.env.PG_BLOCKING_TIMEOUT_MS = "1000";
    const relay = await frozenPath(pg.db.url);
    const pool = openPgPool(relay.url, 2);
    const store = new PgArchiveStore(pool);
    try {
      const first = `timeout-a-${Date.now()}`;
      const second = `timeout-b-${Date.now()}`;
      expect((await store.append([message(first)])).stored).toBe(1);
      await relay.freeze(true);
      // Before: this promise never settled, and every later group queued behind it.
      await expect(store.append([message(second)])).rejects.toThrow(/timeout/i);
      // While still frozen, a new group fails too (connecting times out): nothing waits for good.
      await expect(store.append([message(second)])).rejects.toThrow();
      await relay.freeze(false);
      // The SDK's retry of the failed request is stored, exactly once.
      const retried = await store.append([message(second), message(first)]);
      expect(retried.stored).toBe(1);
      expect(retried.seqs[1]).toBeNull();
      const { rows } = await pg.pool.query<{ messageId: string }>(
        `SELECT "messageId" FROM "Message" WHERE "messageId" = ANY($1)`,
        [[first, second]],
      );
      expect(rows.map((r) => r.messageId).sort()).toEqual([first, second].sort());
    } finally {
      await relay.freeze(false);
      await pool.end();
      await relay.close();
    }
  }, 30_000);

  it("lets a migration run longer than PG_BLOCKING_TIMEOUT_MS and gives its lock back", async () => {
    process.env.PG_BLOCKING_TIMEOUT_MS = "500";
    const db = await createTestDatabase("switchyard_slowmig");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-slowmig-"));
    fs.mkdirSync(path.join(dir, "0001_slow"));
    fs.writeFileSync(
      path.join(dir, "0001_slow", "migration.sql"),
      `SELECT pg_sleep(1.2); CREATE TABLE "SlowProbe" ("id" INTEGER PRIMARY KEY);`,
    );
    const pool = openPgPool(db.url, 2);
    try {
      expect(await migratePg(pool, dir)).toEqual(["0001_slow"]);
      expect((await pool.query(`SELECT COUNT(*)::int AS n FROM "SlowProbe"`)).rows[0].n).toBe(0);
      // A statement of the pool itself is still cut at 500 ms…
      await expect(pool.query("SELECT pg_sleep(1.2)")).rejects.toThrow(/timeout/i);
      // …and the migration lock was given back: another run does not wait on it.
      expect(await migratePg(pool, dir)).toEqual([]);
    } finally {
      await pool.end();
      await db.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
