import { afterEach, describe, expect, it } from "vitest";
import { CircuitBreaker } from "@/lib/delivery/breaker";
import { readControl } from "@/lib/delivery/control";
import { archive, countBy, outcomes, track, until } from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";
import { errorSummary } from "@/lib/metrics/errors";
import { resolveWindow } from "@/lib/metrics/period";

// The circuit breaker: a destination answering 500 is slowed as a whole (one message per probe
// interval) instead of every queued message retrying on its own, and recovers at full speed.
// Assertions compare request COUNTS with the documented bound; nothing asserts how long a step took.

const BREAKER = { threshold: 5, baseMs: 100, maxMs: 200, maxRetryAfterMs: 600_000 };
let h: Harness;
let s: Sink | null = null;
afterEach(async () => {
  await h?.close();
  await s?.close();
  s = null;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Requests a 500-answering sink receives in `ms` once 300 messages are queued and failing. */
async function failingFor(ms: number, breaker: typeof BREAKER) {
  h = harness();
  s = await startSink({ kind: "status", status: 500 }, { record: false });
  const dest = h.webhook(s.url);
  archive(
    h.db,
    h,
    Array.from({ length: 300 }, (_, i) => track("Page Viewed", { messageId: `m-${i}` })),
  );
  h.start({ concurrency: 8, deadlineMs: 120_000, breaker });
  await s.waitFor(Math.min(breaker.threshold + 8, 50));
  await sleep(200);
  const c0 = s.count;
  const t0 = Date.now();
  await sleep(ms);
  return { dest, requests: s.count - c0, elapsed: Date.now() - t0 };
}

describe("circuit breaker", () => {
  it("opens after consecutive failures, probes on a growing interval, closes on success", async () => {
    const b = new CircuitBreaker(BREAKER);
    for (let i = 0; i < 4; i++) expect(b.record({ ok: false }, 1000)).toBe(false);
    expect(b.record({ ok: false }, 1000)).toBe(true);
    expect(b.snapshot()).toMatchObject({ state: "open", nextProbeAt: 1100 });
    expect(b.tryAcquire(1099)).toBe(false);
    expect(b.tryAcquire(1100)).toBe(true);
    expect(b.tryAcquire(1100)).toBe(false); // one probe at a time
    b.record({ ok: false }, 1150);
    expect(b.snapshot()).toMatchObject({ state: "open", nextProbeAt: 1350 }); // doubled
    expect(b.tryAcquire(1350)).toBe(true);
    b.record({ ok: false }, 1400);
    expect(b.snapshot().nextProbeAt).toBe(1600); // capped at maxMs
    // Retry-After on a 503 holds the whole destination.
    expect(b.tryAcquire(1600)).toBe(true);
    b.record({ ok: false, retryAfterMs: 30_000 }, 1600);
    expect(b.snapshot().nextProbeAt).toBe(31_600);
    expect(b.tryAcquire(31_600)).toBe(true);
    expect(b.record({ ok: true }, 31_700)).toBe(true);
    expect(b.snapshot()).toMatchObject({ state: "closed", nextProbeAt: null, failures: 0 });
    expect(b.tryAcquire(31_700)).toBe(true);
  });

  it("a dead destination receives at most one request per probe interval, shows retrying errors, and drains once it is back", async () => {
    const { dest, requests, elapsed } = await failingFor(1500, BREAKER);
    // The documented bound: one request per probe interval (>= baseMs) while open.
    expect(requests).toBeLessThanOrEqual(1 + Math.ceil(elapsed / BREAKER.baseMs));
    const control = readControl(h.db, dest);
    expect(["open", "probing"]).toContain(control.breaker);
    expect(control.nextProbeAt).not.toBeNull();

    // Nothing is final yet, but the error table shows the retried 500s with samples.
    const w = resolveWindow({ period: "1h" }, Date.now());
    const errs = await errorSummary(dest, w, { db: h.db });
    expect(errs.total).toBe(0);
    const row = errs.errors.find((e) => e.state === "retrying" && e.httpStatus === 500);
    expect(row).toMatchObject({ errorType: "server_error", state: "retrying" });
    expect(row!.attempts).toBeGreaterThanOrEqual(BREAKER.threshold);
    expect(row!.messages).toBeGreaterThan(0);
    expect(row!.samples.length).toBeGreaterThan(0);
    expect(row!.samples.length).toBeLessThanOrEqual(3);
    expect(row!.samples[0]!.errorMessage).toMatch(/500/);

    s!.setMode({ kind: "ok" });
    const rows = await until(() => {
      const r = outcomes(h.db, dest);
      return r.length === 300 && r.every((x) => x.status === "delivered") ? r : null;
    }, 20_000);
    expect(countBy(rows)).toEqual({ delivered: 300 });
    expect(readControl(h.db, dest).breaker).toBe("closed");
    const feed = h.db
      .prepare(`SELECT "reason" FROM "DestinationHealthEvent" WHERE "destinationId" = ? ORDER BY "id"`)
      .pluck()
      .all(dest) as string[];
    expect(feed.some((r) => r.startsWith("Circuit breaker opened"))).toBe(true);
    expect(feed.at(-1)).toMatch(/^Circuit breaker closed/);
  }, 40_000);

  it("without the breaker the same outage sends many times more requests (the contrast the bound is about)", async () => {
    const off = { ...BREAKER, threshold: 1_000_000 };
    const { requests, elapsed } = await failingFor(1500, off);
    expect(requests).toBeGreaterThan(5 * (1 + Math.ceil(elapsed / BREAKER.baseMs)));
  }, 40_000);
});
