import { afterEach, describe, expect, it } from "vitest";
import { archive, insertDestination, outcomes, track, until } from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";
import { insertDeployedFunction } from "@/lib/functions/testing";

// Destination functions in the real delivery engine (real sandbox threads, a local sink): onBatch
// gets several events in one call, and its per-event answer decides each event's outcome.

let h: Harness;
const sinks: Sink[] = [];
afterEach(async () => {
  await h?.close();
  for (const s of sinks.splice(0)) await s.close();
});

function functionDestination(code: string, settings: Record<string, unknown>): string {
  const destinationId = insertDestination(h.db, {
    workspaceId: h.workspaceId,
    sourceIds: [h.sourceId],
    type: "function",
    name: `fn-${Math.random()}`,
    settings: {},
  });
  insertDeployedFunction(h.db, {
    workspaceId: h.workspaceId,
    kind: "destination",
    code,
    destinationId,
    settings,
  });
  return destinationId;
}

// The harness's 2 s retry deadline is shorter than a batch window plus a sandbox's cold start on
// a busy machine: these tests are about outcomes, not about the deadline.
const SLOW_DEADLINE = { deadlineMs: 60_000 };

const settled = (dest: string, n: number) => () => {
  const rows = outcomes(h.db, dest);
  return rows.length === n && rows.every((r) => r.status !== "retrying") ? rows : null;
};

const ONE_AND_BATCH = `
async function onTrack(event, settings) {
  await fetch(settings.url + "/one", { method: "POST", body: JSON.stringify(event) });
}
async function onBatch(events, settings) {
  await fetch(settings.url + "/batch", { method: "POST", body: JSON.stringify(events) });
}`;

describe("destination functions with onBatch", () => {
  it("hands a backlog to onBatch in batches of up to 20, each event delivered once", async () => {
    h = harness();
    const s = await startSink({ kind: "ok" });
    sinks.push(s);
    const dest = functionDestination(ONE_AND_BATCH, { url: s.url });
    archive(
      h.db,
      h,
      Array.from({ length: 45 }, (_, i) => track("Song Played", { messageId: `b-${i}` })),
    );
    h.start(SLOW_DEADLINE);
    const rows = await until(settled(dest, 45), 20_000);
    expect(rows.every((r) => r.status === "delivered" && r.attempts === 1)).toBe(true);
    const batches = s.requests.filter((r) => r.url === "/batch").map((r) => JSON.parse(r.body) as unknown[]);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...batches.map((b) => b.length))).toBe(20);
    const ids = [
      ...batches.flat().map((e) => (e as { messageId: string }).messageId),
      ...s.requests.filter((r) => r.url === "/one").map((r) => JSON.parse(r.body).messageId as string),
    ];
    expect(ids.sort()).toEqual(Array.from({ length: 45 }, (_, i) => `b-${i}`).sort());
  });

  it("retries only the events onBatch answered 5xx for, and ends those it answered 4xx for", async () => {
    h = harness();
    const s = await startSink({ kind: "ok" });
    sinks.push(s);
    const code = `
async function onTrack(event, settings) {
  await fetch(settings.url + "/one", { method: "POST", body: JSON.stringify(event) });
}
async function onBatch(events, settings) {
  await fetch(settings.url + "/batch", { method: "POST", body: JSON.stringify(events) });
  return events.map((e) =>
    e.properties.answer === 200 ? { status: 200 } : { status: e.properties.answer, errormessage: "upstream said " + e.properties.answer },
  );
}`;
    const dest = functionDestination(code, { url: s.url });
    archive(h.db, h, [
      track("Ok", { messageId: "ok-1", properties: { answer: 200 } }),
      track("Later", { messageId: "retry-1", properties: { answer: 503 } }),
      track("Bad", { messageId: "bad-1", properties: { answer: 400 } }),
      track("Ok", { messageId: "ok-2", properties: { answer: 200 } }),
    ]);
    h.start(SLOW_DEADLINE);
    const rows = await until(settled(dest, 4), 20_000);
    const by = Object.fromEntries(rows.map((r) => [r.messageId, r]));
    expect(by["ok-1"]).toMatchObject({ status: "delivered", attempts: 1 });
    expect(by["ok-2"]).toMatchObject({ status: "delivered", attempts: 1 });
    expect(by["bad-1"]).toMatchObject({ status: "not_delivered", errorType: "function_rejected" });
    expect(by["bad-1"]!.errorMessage).toContain("upstream said 400");
    // The retried event came back alone: a batch of one goes to its single-event handler.
    expect(by["retry-1"]).toMatchObject({ status: "delivered", attempts: 2 });
    const singles = s.requests.filter((r) => r.url === "/one").map((r) => JSON.parse(r.body).messageId);
    expect(singles).toEqual(["retry-1"]);
    const sample = h.db
      .prepare(`SELECT "errorType", "errorMessage" FROM "DeliverySample" WHERE "messageId" = ?`)
      .get("retry-1") as { errorType: string; errorMessage: string };
    expect(sample).toMatchObject({ errorType: "function_retry" });
    expect(sample.errorMessage).toContain("503");
  });

  it("retries the whole batch when onBatch throws RetryError, and discards it on other errors", async () => {
    h = harness();
    const s = await startSink({ kind: "ok" });
    sinks.push(s);
    const retrying = functionDestination(
      `let calls = 0;
async function onTrack(event, settings) {
  await fetch(settings.url + "/one", { method: "POST", body: "{}" });
}
async function onBatch(events, settings) {
  if (++calls === 1) throw new RetryError("busy, try later");
  await fetch(settings.url + "/batch", { method: "POST", body: JSON.stringify(events) });
}`,
      { url: s.url },
    );
    const failing = functionDestination(
      `async function onTrack() {}
async function onBatch(events) { throw new ValidationError("the batch endpoint refused " + events.length + " events"); }`,
      {},
    );
    archive(
      h.db,
      h,
      Array.from({ length: 5 }, (_, i) => track("Song Played", { messageId: `r-${i}` })),
    );
    h.start(SLOW_DEADLINE);
    const retried = await until(settled(retrying, 5), 20_000);
    expect(retried.every((r) => r.status === "delivered" && r.attempts === 2)).toBe(true);
    const discarded = await until(settled(failing, 5), 20_000);
    expect(discarded.every((r) => r.status === "not_delivered" && r.errorType === "function_rejected")).toBe(
      true,
    );
    expect(discarded[0]!.errorMessage).toContain("refused 5 events");
  });

  it("calls the single-event handlers when the code has no onBatch", async () => {
    h = harness();
    const s = await startSink({ kind: "ok" });
    sinks.push(s);
    const dest = functionDestination(
      `async function onTrack(event, settings) {
  await fetch(settings.url + "/one", { method: "POST", body: JSON.stringify(event) });
}`,
      { url: s.url },
    );
    archive(
      h.db,
      h,
      Array.from({ length: 6 }, (_, i) => track("Song Played", { messageId: `s-${i}` })),
    );
    h.start(SLOW_DEADLINE);
    await until(settled(dest, 6), 20_000);
    expect(s.requests.filter((r) => r.url === "/one")).toHaveLength(6);
    expect(s.requests.filter((r) => r.url === "/batch")).toHaveLength(0);
  });
});
