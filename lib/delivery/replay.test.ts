import { afterEach, describe, expect, it } from "vitest";
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
    const result = retryNotDelivered(dest, t0 + hour, t0 + 2 * hour, { db: h.db, encryptionKey: TEST_KEY });
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
      retryNotDelivered(dest, t0 + hour, t0 + 2 * hour, { db: h.db, encryptionKey: TEST_KEY }).queued,
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
