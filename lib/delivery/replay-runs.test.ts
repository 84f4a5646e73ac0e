import { afterEach, describe, expect, it } from "vitest";
import { cancelReplay, getReplay, startReplay } from "@/lib/delivery/replay-runs";
import {
  archive,
  insertFilter,
  insertWorkspaceAndSource,
  outcomes,
  track,
  until,
} from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// Replay of an archived window to a destination created afterwards: exact counts, the original
// messageIds as idempotency keys, the destination's filters and the integrations object applied
// again, other sources and other windows left out, rate-limited and cancellable.

let h: Harness;
const sinks: Sink[] = [];
afterEach(async () => {
  await h?.close();
  for (const s of sinks.splice(0)) await s.close();
});
const MIN = 60_000;
const DAY = 86_400_000;

describe("replay", () => {
  it("sends a window of archived events of the chosen sources again, through the filters, with their messageIds", async () => {
    h = harness();
    const other = insertWorkspaceAndSource(h.db);
    const now = Date.now();
    // In the window (40 to 20 minutes ago): 12 from the chosen source, 3 of them dropped by a filter,
    // 2 switched off for every destination by the integrations object.
    archive(
      h.db,
      h,
      Array.from({ length: 10 }, (_, i) => track("Signed Up", { messageId: `in-${i}` })),
      now - 30 * MIN,
    );
    archive(
      h.db,
      h,
      [0, 1, 2].map((i) => track("Spam", { messageId: `spam-${i}` })),
      now - 30 * MIN,
    );
    archive(
      h.db,
      h,
      [0, 1].map((i) => track("Private", { messageId: `off-${i}`, integrations: { All: false } })),
      now - 25 * MIN,
    );
    // Outside the window, or from another source: never replayed.
    archive(h.db, h, [track("Too Old", { messageId: "old" })], now - 50 * MIN);
    archive(h.db, h, [track("Too New", { messageId: "new" })], now - 5 * MIN);
    archive(
      h.db,
      { workspaceId: other.workspaceId, sourceId: other.sourceId },
      [track("Elsewhere", { messageId: "x" })],
      now - 30 * MIN,
    );

    h.start({ replayRate: 4 });
    await routedAll(); // the destination is created after the archive was routed: history is not sent by itself
    const s = await startSink();
    sinks.push(s);
    const dest = h.webhook(s.url, {}, "Replayed To");
    insertFilter(h.db, { destinationId: dest, condition: 'event = "Spam"', action: "drop" });
    await new Promise((r) => setTimeout(r, 200));
    expect(s.count).toBe(0);

    const replay = startReplay(
      h.db,
      {
        workspaceId: h.workspaceId,
        destinationId: dest,
        sourceIds: [h.sourceId],
        fromMs: now - 40 * MIN,
        toMs: now - 20 * MIN,
        createdBy: "owner@example.com",
      },
      { now: Date.now(), retentionMs: 7 * DAY },
    );
    expect(replay.status).toBe("running");
    const done = await until(() => {
      const r = getReplay(h.db, dest, replay.id)!;
      return r.status === "done" ? r : null;
    }, 15_000);
    expect(done).toMatchObject({
      routed: 10,
      filtered: 5,
      alreadyQueued: 0,
      delivered: 10,
      failed: 0,
      pending: 0,
    });
    expect(s.count).toBe(10);
    expect(new Set(s.requests.map((r) => r.headers["idempotency-key"]))).toEqual(
      new Set(Array.from({ length: 10 }, (_, i) => `in-${i}`)),
    );
    const rows = outcomes(h.db, dest) as { status: string; errorType: string | null; replayId?: number }[];
    expect(rows).toHaveLength(15);
    expect(rows.every((r) => r.replayId === replay.id)).toBe(true);
    expect(rows.filter((r) => r.errorType === "destination_filter")).toHaveLength(3);
    expect(rows.filter((r) => r.errorType === "integrations_disabled")).toHaveLength(2);
    // Replayed deliveries are timed from when the replay queued them, not from 30 minutes ago.
    const latencies = outcomes(h.db, dest)
      .filter((r) => r.status === "delivered")
      .map((r) => r.latencyMs!);
    expect(latencies).toHaveLength(10);
    expect(Math.max(...latencies)).toBeLessThan(10 * MIN);
  }, 30_000);

  it("refuses windows beyond the archive's retention or in the future, and a second replay at once; cancels", async () => {
    h = harness();
    const now = Date.now();
    archive(
      h.db,
      h,
      Array.from({ length: 50 }, (_, i) => track("Bulk", { messageId: `b-${i}` })),
      now - 10 * MIN,
    );
    h.start({ replayRate: 5, concurrency: 1 });
    await routedAll();
    const s = await startSink({ kind: "slow", ms: 200 });
    sinks.push(s);
    const dest = h.webhook(s.url);
    const input = {
      workspaceId: h.workspaceId,
      destinationId: dest,
      sourceIds: [h.sourceId],
      fromMs: now - HOUR_MS,
      toMs: now - MIN,
      createdBy: "owner@example.com",
    };
    const opts = { now, retentionMs: 7 * DAY };
    expect(() => startReplay(h.db, { ...input, fromMs: now - 8 * DAY }, opts)).toThrow(
      /keeps messages for 7 days/,
    );
    expect(() => startReplay(h.db, { ...input, toMs: now + MIN }, opts)).toThrow(/future/);
    const r = startReplay(h.db, input, opts);
    expect(() => startReplay(h.db, input, opts)).toThrow(/already running/);
    await until(() => (getReplay(h.db, dest, r.id)!.routed > 0 ? true : null));
    const cancelled = cancelReplay(h.db, dest, r.id, Date.now())!;
    expect(cancelled.status).toBe("cancelled");
    await new Promise((res) => setTimeout(res, 500));
    const after = getReplay(h.db, dest, r.id)!;
    expect(after.routed).toBe(cancelled.routed);
    expect(after.routed).toBeLessThan(50);
    // Nothing more than what was routed before cancelling reaches the destination.
    expect(s.count).toBeLessThanOrEqual(cancelled.routed);
  }, 30_000);

  it("counts the messages whose job is still queued for the destination as already queued, not again", async () => {
    h = harness();
    // The destination fails with 503: its live jobs stay queued, retrying.
    const s = await startSink({ kind: "status", status: 503 });
    sinks.push(s);
    const dest = h.webhook(s.url);
    const now = Date.now();
    h.start({ replayRate: 50, deadlineMs: 60_000, backoffBaseMs: 1000, backoffMaxMs: 1000 });
    // Received just now: their retry deadline (a minute, from receipt) is far off.
    archive(
      h.db,
      h,
      Array.from({ length: 4 }, (_, i) => track("Retrying", { messageId: `q-${i}` })),
      now - 1000,
    );
    await routedAll();
    await until(() => (s.count >= 4 ? true : null));
    const r = startReplay(
      h.db,
      {
        workspaceId: h.workspaceId,
        destinationId: dest,
        sourceIds: [h.sourceId],
        fromMs: now - HOUR_MS,
        toMs: Date.now(),
        createdBy: "owner@example.com",
      },
      { now: Date.now(), retentionMs: 7 * DAY },
    );
    const done = await until(() => {
      const v = getReplay(h.db, dest, r.id)!;
      return v.status === "done" ? v : null;
    }, 15_000);
    // Every message of the window is accounted for: none routed twice, none silently missing.
    expect(done).toMatchObject({ routed: 0, filtered: 0, alreadyQueued: 4, pending: 0 });
    const queued = h.db
      .prepare(`SELECT COUNT(*) FROM "DeliveryJob" WHERE "destinationId" = ?`)
      .pluck()
      .get(dest) as number;
    expect(queued).toBe(4);
  }, 30_000);
});

const HOUR_MS = 3_600_000;

async function routedAll() {
  const max = h.db.prepare(`SELECT MAX("seq") FROM "Message"`).pluck().get() as number;
  await until(() => (h.runner!.stats().cursor >= max ? true : null));
}
