import { afterEach, describe, expect, it } from "vitest";
import { archivedTrack, insertPgSource, insertPgWebhook, openMigratedPg } from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable, recordBlocking } from "@/lib/db/pg-testing";
import { retryNotDelivered } from "@/lib/delivery/replay";
import {
  archive,
  countBy,
  insertFilter,
  outcomes,
  settled,
  TEST_KEY,
  track,
  until,
} from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { Histogram } from "@/lib/metrics/histogram";

let h: Harness;
let s: Sink;
afterEach(async () => {
  await h?.close();
  await s?.close();
});

describe("retrying not-delivered messages from the archive", () => {
  it("re-queues the window's failures with the same messageId and current filters", async () => {
    h = harness();
    s = await startSink({ kind: "status", status: 400 });
    const dest = h.webhook(s.url);
    const hour = 3_600_000;
    const t0 = Date.now() - 3 * hour;
    archive(h.db, h, [track("Old", { messageId: "old-1" })], t0);
    archive(
      h.db,
      h,
      [
        track("In", { messageId: "in-1" }),
        track("In", { messageId: "in-2" }),
        track("Drop me", { messageId: "in-3" }),
      ],
      t0 + hour,
    );
    archive(h.db, h, [track("In", { messageId: "in-4" })], t0 + hour + 10);
    h.start();
    await until(settled(h.db, dest, 5));
    expect(countBy(outcomes(h.db, dest))).toEqual({ not_delivered: 5 });

    s.setMode({ kind: "ok" });
    insertFilter(h.db, { destinationId: dest, condition: 'event = "Drop me"', action: "drop" });
    h.db.prepare(`DELETE FROM "Message" WHERE "messageId" = 'in-4'`).run();
    const result = await retryNotDelivered(dest, t0 + hour, t0 + 2 * hour, {
      db: h.db,
      encryptionKey: TEST_KEY,
    });
    expect(result).toEqual({ queued: 2, filtered: 1, expired: 1 });
    const rows = await until(() => {
      const r = outcomes(h.db, dest);
      return r.filter((o) => o.status === "delivered").length === 2 ? r : null;
    });
    const by = Object.fromEntries(rows.map((r) => [r.messageId, r]));
    expect(by["in-1"]).toMatchObject({ status: "delivered", attempts: 2 });
    expect(by["in-2"]).toMatchObject({ status: "delivered", attempts: 2 });
    expect(by["in-3"]).toMatchObject({ status: "filtered", errorType: "destination_filter" });
    expect(by["in-4"]).toMatchObject({ status: "not_delivered" });
    expect(by["old-1"]).toMatchObject({ status: "not_delivered" });
    const okRequests = s.requests
      .slice(5)
      .map((r) => r.headers["idempotency-key"])
      .sort();
    expect(okRequests).toEqual(["in-1", "in-2"]);
    // A second request for the same window finds nothing left to retry.
    expect(
      (await retryNotDelivered(dest, t0 + hour, t0 + 2 * hour, { db: h.db, encryptionKey: TEST_KEY })).queued,
    ).toBe(0);
  });
});

describe("webhook batching and rollups", () => {
  it("posts full batches at once and the rest after the batch window", async () => {
    h = harness();
    s = await startSink();
    const dest = h.webhook(s.url, { batching: true, batchSize: 5, batchWindowSeconds: 1 });
    archive(
      h.db,
      h,
      Array.from({ length: 12 }, (_, i) => track("B", { messageId: `b-${i}` })),
    );
    const started = Date.now();
    h.start();
    const rows = await until(settled(h.db, dest, 12), 5000);
    expect(countBy(rows)).toEqual({ delivered: 12 });
    const sizes = s.requests.map((r) => JSON.parse(r.body).batch.length);
    expect(sizes).toEqual([5, 5, 2]);
    expect(s.requests[2]!.at - started).toBeGreaterThanOrEqual(950);
    expect(s.requests[0]!.headers["idempotency-key"]).toBeUndefined();
  });

  it("keeps per-minute latency histograms whose P95 matches the raw outcomes", async () => {
    h = harness();
    s = await startSink((_req, i) => ({ kind: "slow", ms: (i * 7) % 90 }));
    const dest = h.webhook(s.url);
    archive(
      h.db,
      h,
      Array.from({ length: 120 }, () => track("L")),
    );
    h.start();
    const rows = await until(settled(h.db, dest, 120), 10_000);
    const exact = rows.map((r) => r.latencyMs!).sort((a, b) => a - b)[Math.ceil(0.95 * 120) - 1]!;
    const hist = Histogram.mergeEncoded(
      (
        h.db.prepare(`SELECT "latencyHist" FROM "DeliveryRollup" WHERE "destinationId" = ?`).all(dest) as {
          latencyHist: string;
        }[]
      ).map((r) => r.latencyHist),
    );
    expect(hist.total).toBe(120);
    expect(Math.abs(hist.quantile(0.95)! - exact)).toBeLessThanOrEqual(Math.max(1, exact * 0.02));
  });
});

const pgAvailableHere = await pgAvailable();
describe.skipIf(!pgAvailableHere)("retrying not-delivered messages on PostgreSQL", () => {
  it("queues them again on the asynchronous pool: nothing blocks the web process while it reads and writes", async () => {
    const pg = await openMigratedPg();
    const sync = new PgSyncDatabase(pg.db.url);
    try {
      const source = await insertPgSource(pg.pool);
      const dest = await insertPgWebhook(pg.pool, {
        id: "dst_retry",
        workspaceId: source.workspaceId,
        sourceId: source.id,
        url: "https://hooks.example.com/in",
      });
      await new PgArchiveStore(pg.pool).append(["r-1", "r-2"].map((id) => archivedTrack(source, id)));
      const archived = (
        await pg.pool.query(`SELECT "seq", "messageId", "receivedAt" FROM "Message" ORDER BY "seq"`)
      ).rows as { seq: number; messageId: string; receivedAt: string }[];
      // Both failed after three attempts; a third failure's message is no longer in the archive.
      const failed = [
        ...archived,
        { seq: 999_999, messageId: "r-gone", receivedAt: archived[0]!.receivedAt },
      ];
      for (const m of failed)
        await pg.pool.query(
          `INSERT INTO "DeliveryOutcome" ("destinationId", "seq", "workspaceId", "sourceId", "messageId", "type", "status",
             "attempts", "receivedAt", "finishedAt", "errorType", "errorMessage")
           VALUES ($1, $2, $3, $4, $5, 'track', 'not_delivered', 3, $6, $6, 'server_error', 'HTTP 500')`,
          [dest, m.seq, source.workspaceId, source.id, m.messageId, Number(m.receivedAt)],
        );
      const recording = recordBlocking(sync);
      const window = [Number(archived[0]!.receivedAt) - 1000, Date.now() + 1000] as const;
      const result = await retryNotDelivered(dest, ...window, {
        db: sync.asDatabase(),
        encryptionKey: TEST_KEY,
      });
      recording.stop();
      expect(result).toEqual({ queued: 2, filtered: 0, expired: 1 });
      expect(recording.statements).toEqual([]);
      const jobs = await pg.pool.query(`SELECT "messageId", "attempts" FROM "DeliveryJob" ORDER BY "seq"`);
      expect(jobs.rows).toEqual([
        { messageId: "r-1", attempts: 3 },
        { messageId: "r-2", attempts: 3 },
      ]);
      const marked = await pg.pool.query(
        `SELECT "messageId", "status", "errorMessage" FROM "DeliveryOutcome" ORDER BY "messageId"`,
      );
      expect(marked.rows).toEqual([
        { messageId: "r-1", status: "retrying", errorMessage: "Retry requested from the console" },
        { messageId: "r-2", status: "retrying", errorMessage: "Retry requested from the console" },
        { messageId: "r-gone", status: "not_delivered", errorMessage: "HTTP 500" },
      ]);
      // Asked again: the two are queued already; the expired one is counted again.
      expect(
        await retryNotDelivered(dest, ...window, { db: sync.asDatabase(), encryptionKey: TEST_KEY }),
      ).toEqual({
        queued: 0,
        filtered: 0,
        expired: 1,
      });
    } finally {
      sync.close();
      await pg.close();
    }
  });
});
