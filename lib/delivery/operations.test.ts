import { afterEach, describe, expect, it } from "vitest";
import { discardJobs, readControl, setPaused } from "@/lib/delivery/control";
import { archive, countBy, outcomes, track, until } from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";
import { keyMetrics } from "@/lib/metrics/dashboard";
import { errorSummary } from "@/lib/metrics/errors";
import { resolveWindow } from "@/lib/metrics/period";

// Pause, resume and discard against a running engine and a real sink: a paused destination
// receives nothing while its events keep being queued; resuming delivers them; discarding turns
// queued messages into "not delivered" with reason "discarded", optionally by error type.

let h: Harness;
const sinks: Sink[] = [];
afterEach(async () => {
  await h?.close();
  for (const s of sinks.splice(0)) await s.close();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const queued = (dest: string) =>
  h.db.prepare(`SELECT COUNT(*) FROM "DeliveryJob" WHERE "destinationId" = ?`).pluck().get(dest) as number;

/** A webhook to a fresh sink, paused by the owner before the engine starts. */
async function pausedWebhook() {
  h = harness();
  const s = await startSink();
  sinks.push(s);
  const dest = h.webhook(s.url);
  setPaused(h.db, { destinationId: dest, workspaceId: h.workspaceId }, true, "owner@example.com", Date.now());
  return { s, dest };
}

describe("pause, resume, discard", () => {
  it("queues while paused, sends nothing, and delivers everything after resuming", async () => {
    const { s, dest } = await pausedWebhook();
    // Exactly 20 sends: a request timeout under a busy machine would resend (at-least-once).
    h.start({ timeoutMs: 10_000, deadlineMs: 60_000 });
    archive(
      h.db,
      h,
      Array.from({ length: 20 }, (_, i) => track("Paused Event", { messageId: `p-${i}` })),
    );
    await until(() => queued(dest) === 20);
    await sleep(300); // several claim rounds and config refreshes
    expect(s.count).toBe(0);
    expect(readControl(h.db, dest)).toMatchObject({ paused: true, pausedBy: "owner@example.com" });

    setPaused(
      h.db,
      { destinationId: dest, workspaceId: h.workspaceId },
      false,
      "owner@example.com",
      Date.now(),
    );
    const rows = await until(() => {
      const r = outcomes(h.db, dest);
      return r.length === 20 && r.every((x) => x.status === "delivered") ? r : null;
    });
    expect(countBy(rows)).toEqual({ delivered: 20 });
    expect(s.count).toBe(20);
  });

  it("gives up on a paused destination's messages once their retry deadline passes, with the reason", async () => {
    const { s, dest } = await pausedWebhook();
    h.start({ deadlineMs: 300, configRefreshMs: 50 });
    archive(
      h.db,
      h,
      Array.from({ length: 5 }, (_, i) => track("Paused Event", { messageId: `late-${i}` })),
    );
    const rows = await until(() => {
      const r = outcomes(h.db, dest);
      return r.length === 5 ? r : null;
    });
    expect(rows.map((r) => [r.messageId, r.status, r.errorType])).toEqual(
      Array.from({ length: 5 }, (_, i) => [`late-${i}`, "not_delivered", "destination_paused"]),
    );
    expect(rows[0]!.errorMessage).toBe("Delivery was paused until the retry deadline passed");
    expect(queued(dest)).toBe(0);
    expect(s.count).toBe(0);
  });

  it("discards queued messages, optionally one error type, counted as not delivered with reason discarded", async () => {
    h = harness();
    // Messages whose event says "timeout" hang until the timeout; the others get a 503.
    const s = await startSink((req) =>
      req.body.includes("Slow") ? { kind: "slow", ms: 1000 } : { kind: "status", status: 503 },
    );
    sinks.push(s);
    const dest = h.webhook(s.url);
    archive(h.db, h, [
      ...Array.from({ length: 6 }, (_, i) => track("Slow", { messageId: `s-${i}` })),
      ...Array.from({ length: 4 }, (_, i) => track("Broken", { messageId: `b-${i}` })),
    ]);
    h.start({ deadlineMs: 60_000, backoffBaseMs: 5_000, backoffMaxMs: 5_000 });
    // Every message failed once and waits for its retry (5 s away).
    await until(() => {
      const r = outcomes(h.db, dest);
      return r.length === 10 && r.every((x) => x.status === "retrying") ? r : null;
    });
    setPaused(
      h.db,
      { destinationId: dest, workspaceId: h.workspaceId },
      true,
      "owner@example.com",
      Date.now(),
    );
    await sleep(200);

    const some = await discardJobs(h.db, dest, Date.now(), {
      errorType: "server_error",
      by: "owner@example.com",
    });
    expect(some).toEqual({ discarded: 4, inFlight: 0 });
    expect(queued(dest)).toBe(6);
    const rest = await discardJobs(h.db, dest, Date.now(), { by: "owner@example.com" });
    expect(rest.discarded).toBe(6);
    expect(queued(dest)).toBe(0);

    const rows = outcomes(h.db, dest);
    expect(countBy(rows)).toEqual({ not_delivered: 10 });
    expect(rows.every((r) => r.errorType === "discarded")).toBe(true);
    expect(rows[0]!.errorMessage).toMatch(/^Discarded from the queue by owner@example.com/);
    const w = resolveWindow({ period: "1h" }, Date.now());
    const km = await keyMetrics(dest, w, { db: h.db });
    expect(km).toMatchObject({ notDelivered: 10, retryingNow: 0 });
    const errs = await errorSummary(dest, w, { db: h.db });
    expect(errs.total).toBe(10);
    const finals = errs.errors.filter((e) => e.state === "final");
    expect(finals.every((e) => e.errorType === "discarded")).toBe(true);
    // One row per last status: 503 for the broken ones, none for those that timed out.
    expect(new Map(finals.map((e) => [e.httpStatus, e.count]))).toEqual(
      new Map([
        [503, 4],
        [null, 6],
      ]),
    );
  }, 20_000);
});
