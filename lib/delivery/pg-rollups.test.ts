import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPgSource, insertPgWebhook, type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable } from "@/lib/db/pg-testing";
import { Recorder } from "@/lib/delivery/recorder";
import { RollupBatch } from "@/lib/delivery/rollups";
import type { JobRow } from "@/lib/delivery/store";
import { insertDestination, tempDb } from "@/lib/delivery/testing/fixtures";
import { deliveryTransaction } from "@/lib/delivery/tx";
import { insertSource } from "@/lib/ingest/testing/fixtures";
import { exactQuantile, Histogram } from "@/lib/metrics/histogram";

// The per-minute latency histogram that several delivering processes write into one row: on
// PostgreSQL the upsert merges the stored and the new histogram itself (no read back into the
// process). What the dashboards read must be exactly what one histogram of all the latencies holds,
// and the same text SQLite's in-process merge writes.

const available = await pgAvailable();
let pgdb: MigratedPg;
beforeAll(async () => {
  if (available) pgdb = await openMigratedPg();
});
afterAll(() => pgdb?.close());

/** Latencies that share some buckets between writers and reach into the log-linear range. */
function latencies(seed: number, n: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % 7 === 0 ? 300 + (x % 40_000) : x % 250;
  });
}

const MINUTE_AT = Date.UTC(2026, 11, 5, 6, 0, 0);

/** A source with a webhook destination on the test database, and their rollup key. */
async function webhook(tag: string) {
  const source = await insertPgSource(pgdb.pool);
  const destinationId = await insertPgWebhook(pgdb.pool, {
    id: `dst_rollup_${tag}_${process.pid}`,
    workspaceId: source.workspaceId,
    sourceId: source.id,
    url: "http://127.0.0.1:9/hook",
  });
  return {
    source,
    destinationId,
    key: { destinationId, sourceId: source.id, workspaceId: source.workspaceId },
  };
}

describe.skipIf(!available)("delivery rollups on PostgreSQL", () => {
  it("merges histograms written by two processes into exactly the histogram of every latency", async () => {
    const { destinationId, key } = await webhook("a");
    const processes = [new PgSyncDatabase(pgdb.db.url), new PgSyncDatabase(pgdb.db.url)];
    const all: number[] = [];
    try {
      // Three flushes each, alternating between the processes, as two recorders would.
      for (let round = 0; round < 6; round++) {
        const db = processes[round % 2]!.asDatabase();
        const batch = new RollupBatch();
        const values = latencies(round + 1, 400);
        for (const v of values) batch.add(key, MINUTE_AT + 1000, "delivered", v);
        batch.add(key, MINUTE_AT + 2000, "filtered");
        all.push(...values);
        deliveryTransaction(db, () => batch.write(db), { asyncCommit: true, pipelined: true });
      }
    } finally {
      for (const p of processes) p.close();
    }
    const { rows } = await pgdb.pool.query(
      `SELECT "delivered", "filtered", "latencyHist" FROM "DeliveryRollup" WHERE "destinationId" = $1`,
      [destinationId],
    );
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].delivered)).toBe(all.length);
    expect(Number(rows[0].filtered)).toBe(6);
    const expected = new Histogram();
    for (const v of all) expected.add(v);
    expect(rows[0].latencyHist).toBe(expected.encode());
    const stored = Histogram.decode(rows[0].latencyHist);
    for (const q of [0.5, 0.95, 0.99]) {
      expect(stored.quantile(q)).toBe(expected.quantile(q));
      // Within the histogram's documented 0.4% of the exact nearest-rank percentile.
      const exact = exactQuantile(all, q)!;
      expect(Math.abs(stored.quantile(q)! - exact)).toBeLessThanOrEqual(Math.max(0.5, exact * 0.004));
    }

    // SQLite merges in the process instead: the same inputs leave the same text.
    const { db: sqlite } = tempDb();
    const s = insertSource(sqlite);
    const d = insertDestination(sqlite, {
      workspaceId: s.workspaceId,
      sourceIds: [s.id],
      type: "webhook",
      settings: { url: "http://127.0.0.1:9/hook" },
    });
    const sqliteKey = { destinationId: d, sourceId: s.id, workspaceId: s.workspaceId };
    for (let round = 0; round < 6; round++) {
      const batch = new RollupBatch();
      for (const v of latencies(round + 1, 400)) batch.add(sqliteKey, MINUTE_AT + 1000, "delivered", v);
      deliveryTransaction(sqlite, () => batch.write(sqlite));
    }
    const local = sqlite.prepare(`SELECT "latencyHist" FROM "DeliveryRollup"`).get() as {
      latencyHist: string;
    };
    expect(local.latencyHist).toBe(rows[0].latencyHist);
    sqlite.close();
  });

  it("keeps the stored histogram when a flush carries no latency, and skips a malformed stored part", async () => {
    const { source, destinationId, key } = await webhook("b");
    await pgdb.pool.query(
      `INSERT INTO "DeliveryRollup" ("destinationId", "sourceId", "minute", "workspaceId", "delivered", "latencySum", "latencyHist")
       VALUES ($1, $2, $3, $4, 3, 30, '10:2,garbage,12:1')`,
      [destinationId, source.id, MINUTE_AT, source.workspaceId],
    );
    const conn = new PgSyncDatabase(pgdb.db.url);
    try {
      const db = conn.asDatabase();
      const onlyCounts = new RollupBatch();
      onlyCounts.add(key, MINUTE_AT, "notDelivered");
      deliveryTransaction(db, () => onlyCounts.write(db), { pipelined: true });
      const withLatency = new RollupBatch();
      withLatency.add(key, MINUTE_AT, "delivered", 10);
      withLatency.add(key, MINUTE_AT, "delivered", 5);
      deliveryTransaction(db, () => withLatency.write(db), { pipelined: true });
    } finally {
      conn.close();
    }
    const { rows } = await pgdb.pool.query(
      `SELECT "delivered", "notDelivered", "latencyHist" FROM "DeliveryRollup" WHERE "destinationId" = $1`,
      [destinationId],
    );
    expect(rows[0]).toMatchObject({ delivered: 5, notDelivered: 1, latencyHist: "5:1,10:3,12:1" });
  });

  it("records results off the event loop: while PostgreSQL waits on a lock, the process keeps running", async () => {
    const { source, destinationId } = await webhook("c");
    const at = Date.now();
    // Another process holds this minute's rollup row: the recorder's upsert has to wait for it.
    await pgdb.pool.query(
      `INSERT INTO "DeliveryRollup" ("destinationId", "sourceId", "minute", "workspaceId") VALUES ($1, $2, $3, $4)`,
      [destinationId, source.id, Math.floor(at / 60_000) * 60_000, source.workspaceId],
    );
    const holder = await pgdb.pool.connect();
    await holder.query("BEGIN");
    await holder.query(`SELECT 1 FROM "DeliveryRollup" WHERE "destinationId" = $1 FOR UPDATE`, [
      destinationId,
    ]);
    const conn = new PgSyncDatabase(pgdb.db.url);
    const recorder = new Recorder(conn.asDatabase(), {
      flushMs: 3_600_000,
      samplesPerType: 5,
      offLoop: true,
    });
    try {
      const job = (n: number): JobRow => ({
        id: n,
        destinationId,
        workspaceId: source.workspaceId,
        sourceId: source.id,
        seq: n,
        messageId: `m-${n}`,
        type: "track",
        event: "E",
        receivedAt: at - 20,
        attempts: 0,
        deadlineAt: at + 60_000,
        payload: "{}",
        modified: 0,
      });
      for (const n of [1, 2, 3])
        recorder.add({ kind: "delivered", job: job(n), attempts: 1, at, latencyMs: 20, httpStatus: 200 });
      expect(recorder.flush()).toBe(true);
      // A blocking write would hold this thread until the lock is gone, and the lock holder's
      // COMMIT below needs this thread: the timer firing shows the process kept running.
      let ticks = 0;
      await new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (++ticks === 5) {
            clearInterval(t);
            resolve();
          }
        }, 10);
      });
      const before = await pgdb.pool.query(
        `SELECT COUNT(*)::int AS n FROM "DeliveryOutcome" WHERE "destinationId" = $1`,
        [destinationId],
      );
      expect(before.rows[0].n).toBe(0); // still waiting on the lock, in one transaction
      expect(recorder.pending).toBe(3);
      await holder.query("COMMIT");
      await recorder.drain();
      expect(recorder.pending).toBe(0);
      const { rows } = await pgdb.pool.query(
        `SELECT COUNT(*)::int AS n, MIN("status") AS status FROM "DeliveryOutcome" WHERE "destinationId" = $1`,
        [destinationId],
      );
      expect(rows[0]).toEqual({ n: 3, status: "delivered" });
      const rollup = await pgdb.pool.query(
        `SELECT "delivered", "latencyHist" FROM "DeliveryRollup" WHERE "destinationId" = $1`,
        [destinationId],
      );
      expect(rollup.rows[0]).toEqual({ delivered: 3, latencyHist: "20:3" });
    } finally {
      holder.release();
      conn.close();
    }
  });
});
