import { afterEach, describe, expect, it } from "vitest";
import { archive, countBy, outcomes, track, until } from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// Delivery against local sinks that misbehave in every way. Exact outcome counts, attempts and
// samples; timeouts and backoff shortened (testing/harness.ts).

let h: Harness;
const sinks: Sink[] = [];
afterEach(async () => {
  await h?.close();
  for (const s of sinks.splice(0)) await s.close();
});

async function sink(...args: Parameters<typeof startSink>) {
  const s = await startSink(...args);
  sinks.push(s);
  return s;
}

const samples = (errorType: string) =>
  h.db.prepare(`SELECT * FROM "DeliverySample" WHERE "errorType" = ? ORDER BY "id"`).all(errorType) as {
    request: string | null;
    response: string | null;
    youSent: string;
    errorMessage: string;
    httpStatus: number | null;
  }[];

const finished = (dest: string, n: number) => () => {
  const rows = outcomes(h.db, dest);
  return rows.length === n && rows.every((r) => r.status !== "retrying") ? rows : null;
};

describe("delivery to misbehaving destinations", () => {
  it("routes a message to a destination created just before it, without waiting for the config refresh", async () => {
    h = harness();
    const [a, b] = [await sink(), await sink()];
    const first = h.webhook(`${a.url}/hook`);
    // No periodic refresh within the test: only the routing pass's own fingerprint read can
    // show the router the second destination.
    h.start({ configRefreshMs: 3_600_000 });
    archive(h.db, h, [track("Before", { messageId: "m-before" })]);
    await until(finished(first, 1));
    const second = h.webhook(`${b.url}/hook`);
    archive(h.db, h, [track("After", { messageId: "m-after" })]);
    await until(finished(second, 1));
    expect(b.requests.map((r) => JSON.parse(r.body).messageId)).toEqual(["m-after"]);
    await until(finished(first, 2));
  });

  it("delivers to a healthy webhook once per message, with the messageId as idempotency key", async () => {
    h = harness();
    const s = await sink();
    const dest = h.webhook(`${s.url}/hook`);
    const seqs = archive(
      h.db,
      h,
      Array.from({ length: 10 }, (_, i) => track("Signed Up", { messageId: `m-${i}` })),
    );
    h.start();
    const rows = await until(finished(dest, 10));
    expect(countBy(rows)).toEqual({ delivered: 10 });
    expect(rows.every((r) => r.attempts === 1 && r.httpStatus === 200 && r.latencyMs !== null)).toBe(true);
    expect(s.requests).toHaveLength(10);
    const first = s.requests.find((r) => r.headers["idempotency-key"] === "m-0")!;
    expect(first.method).toBe("POST");
    expect(JSON.parse(first.body)).toMatchObject({ type: "track", event: "Signed Up", messageId: "m-0" });
    expect(seqs).toHaveLength(10);
    const rollup = h.db
      .prepare(`SELECT SUM("delivered") AS d, SUM("retried") AS r FROM "DeliveryRollup"`)
      .get();
    expect(rollup).toEqual({ d: 10, r: 0 });
  });

  it("retries 500s with backoff until the destination recovers", async () => {
    h = harness();
    const s = await sink((_req, i) => (i < 2 ? { kind: "status", status: 500 } : { kind: "ok" }));
    const dest = h.webhook(s.url);
    archive(h.db, h, [track("Order Completed")]);
    h.start();
    const [row] = await until(finished(dest, 1));
    expect(row).toMatchObject({ status: "delivered", attempts: 3, httpStatus: 200 });
    expect(s.requests).toHaveLength(3);
    expect(new Set(s.requests.map((r) => r.headers["idempotency-key"])).size).toBe(1);
    const [sample] = samples("server_error");
    expect(sample!.httpStatus).toBe(500);
    expect(JSON.parse(sample!.request!)).toMatchObject({ method: "POST", url: `${s.url}/` });
    expect(JSON.parse(sample!.response!)).toMatchObject({ status: 500, body: '{"error":"status 500"}' });
    expect(JSON.parse(sample!.youSent)).toMatchObject({ event: "Order Completed" });
  });

  it("waits for Retry-After on 429", async () => {
    h = harness();
    const s = await sink((_req, i) => (i === 0 ? { kind: "retry-after", seconds: 1 } : { kind: "ok" }));
    const dest = h.webhook(s.url);
    archive(h.db, h, [track("Order Completed")]);
    h.start();
    const [row] = await until(finished(dest, 1), 5000);
    expect(row).toMatchObject({ status: "delivered", attempts: 2 });
    expect(s.requests[1]!.at - s.requests[0]!.at).toBeGreaterThanOrEqual(990);
    expect(samples("rate_limited")).toHaveLength(1);
  });

  it("gives up on a destination that never answers at the deadline, with the last error", async () => {
    h = harness();
    const s = await sink({ kind: "hang" });
    const dest = h.webhook(s.url);
    archive(h.db, h, [track("A"), track("B")]);
    h.start();
    const rows = await until(finished(dest, 2), 6000);
    expect(countBy(rows)).toEqual({ not_delivered: 2 });
    for (const r of rows) {
      expect(r.errorType).toBe("timeout");
      expect(r.attempts).toBeGreaterThanOrEqual(2);
      expect(r.errorMessage).toMatch(/No complete answer within 300 ms.*gave up after \d+ attempts/);
    }
    expect(s.requests.length).toBe(rows.reduce((n, r) => n + r.attempts, 0));
    expect(samples("timeout")[0]!.response).toBeNull();
  });

  it("does not retry a 400 and keeps the response in the sample", async () => {
    h = harness();
    const s = await sink((req) =>
      JSON.parse(req.body).properties?.bad
        ? { kind: "status", status: 400, body: '{"error":"bad field"}' }
        : { kind: "ok" },
    );
    const dest = h.webhook(s.url);
    archive(
      h.db,
      h,
      Array.from({ length: 20 }, (_, i) => track("Item", { properties: { bad: i % 4 === 0 } })),
    );
    h.start();
    const rows = await until(finished(dest, 20));
    expect(countBy(rows)).toEqual({ delivered: 15, not_delivered: 5 });
    expect(
      rows
        .filter((r) => r.status === "not_delivered")
        .every((r) => r.attempts === 1 && r.errorType === "bad_request"),
    ).toBe(true);
    expect(s.requests).toHaveLength(20);
    expect(JSON.parse(samples("bad_request")[0]!.response!).body).toBe('{"error":"bad field"}');
  });

  it("retries refused connections until the deadline", async () => {
    h = harness();
    const closed = await startSink();
    const url = closed.url;
    await closed.close();
    const dest = h.webhook(url);
    archive(h.db, h, [track("A")]);
    h.start({ deadlineMs: 800 });
    const [row] = await until(finished(dest, 1), 5000);
    expect(row).toMatchObject({ status: "not_delivered", errorType: "connection" });
    expect(row!.attempts).toBeGreaterThanOrEqual(2);
    expect(row!.errorMessage).toContain("ECONNREFUSED");
  });

  it("treats a dropped connection as retryable and slow answers within the timeout as delivered", async () => {
    h = harness();
    const dropping = await sink((_req, i) => (i === 0 ? { kind: "close" } : { kind: "ok" }));
    const slow = await sink({ kind: "slow", ms: 150 });
    const a = h.webhook(dropping.url);
    const b = h.webhook(slow.url);
    archive(h.db, h, [track("A")]);
    h.start();
    const [ra] = await until(finished(a, 1));
    const [rb] = await until(finished(b, 1));
    expect(ra).toMatchObject({ status: "delivered", attempts: 2 });
    expect(samples("connection")).toHaveLength(1);
    expect(rb).toMatchObject({ status: "delivered", attempts: 1 });
    expect(rb!.latencyMs).toBeGreaterThanOrEqual(150);
  });

  it("keeps a healthy destination flowing while another one hangs", async () => {
    h = harness();
    const hanging = await sink({ kind: "hang" });
    const healthy = await sink();
    const stuck = h.webhook(hanging.url);
    const fine = h.webhook(healthy.url);
    archive(
      h.db,
      h,
      Array.from({ length: 200 }, (_, i) => track(`E${i}`)),
    );
    // The hanging endpoint holds its requests for the whole minute: the healthy destination
    // finishing all 200 while they are still open is the proof it never waited behind them.
    h.start({ timeoutMs: 60_000, deadlineMs: 120_000, concurrency: 4 });
    await until(finished(fine, 200), 30_000);
    expect(hanging.requests.length).toBeGreaterThan(0);
    expect(hanging.requests.length).toBeLessThanOrEqual(4);
    expect(outcomes(h.db, stuck)).toHaveLength(0);
    const pending = h.db
      .prepare(`SELECT COUNT(*) AS n FROM "DeliveryJob" WHERE "destinationId" = ?`)
      .get(stuck);
    expect(pending).toEqual({ n: 200 });
  });
});
