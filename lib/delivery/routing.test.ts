import { afterEach, describe, expect, it } from "vitest";
import {
  archive,
  countBy,
  insertDestination,
  insertFilter,
  settled,
  track,
  until,
} from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// Routing end to end: archive -> router -> jobs/outcomes, with the integrations object, filters,
// call types, duplicate suppression and the routing cursor.

let h: Harness;
let s: Sink;
afterEach(async () => {
  await h?.close();
  await s?.close();
});

describe("routing", () => {
  it("records filtered and unsupported messages without sending them", async () => {
    h = harness();
    s = await startSink();
    const webhook = h.webhook(s.url, {}, "Prod hook");
    const amplitude = insertDestination(h.db, {
      workspaceId: h.workspaceId,
      sourceIds: [h.sourceId],
      type: "amplitude",
      name: "Amplitude EU",
      settings: { apiKey: "amp-secret-key-123", baseUrl: s.url },
    });
    insertFilter(h.db, { destinationId: webhook, condition: 'event = "Spam"', action: "drop" });
    insertFilter(h.db, {
      destinationId: webhook,
      condition: 'event = "Half"',
      action: "sample",
      config: { percent: 50 },
    });
    archive(h.db, h, [
      track("Kept"),
      track("Spam"),
      track("Spam"),
      { type: "group", groupId: "g1", userId: "user-12345" },
      track("Only amplitude", { integrations: { All: false, Amplitude: true } }),
      track("Not this hook", { integrations: { Webhooks: false } }), // the type, by Segment's key
      ...Array.from({ length: 40 }, (_, i) => track("Half", { messageId: `half-${i}` })),
    ]);
    // Nothing here misbehaves: a generous timeout keeps a loaded machine from turning slow answers
    // into retries, which would make the exact request counts below count retries too.
    h.start({ timeoutMs: 5_000, deadlineMs: 60_000 });
    const hook = await until(settled(h.db, webhook, 46));
    const amp = await until(settled(h.db, amplitude, 46));
    const sampledIn = hook.filter((r) => r.messageId.startsWith("half-") && r.status === "delivered").length;
    expect(sampledIn).toBeGreaterThan(5);
    expect(sampledIn).toBeLessThan(35);
    expect(countBy(hook)).toEqual({ delivered: 2 + sampledIn, filtered: 4 + (40 - sampledIn) });
    expect(hook.filter((r) => r.errorType === "integrations_disabled")).toHaveLength(2);
    expect(hook.filter((r) => r.errorType === "destination_filter")).toHaveLength(2 + 40 - sampledIn);
    // Amplitude: group is unsupported, everything else goes out (All: false + Amplitude: true included).
    expect(countBy(amp)).toEqual({ delivered: 45, unsupported: 1 });
    expect(amp.find((r) => r.status === "unsupported")!.errorMessage).toBe(
      "Amplitude does not accept group calls",
    );
    expect(s.requests.filter((r) => r.url === "/2/httpapi")).toHaveLength(45);
    expect(s.requests.filter((r) => r.url === "/")).toHaveLength(2 + sampledIn);
    const r = h.db
      .prepare(`SELECT SUM("filtered") AS f, SUM("unsupported") AS u FROM "DeliveryRollup"`)
      .get();
    expect(r).toEqual({ f: 4 + 40 - sampledIn, u: 1 });
  });

  it("sends what drop-properties filters leave", async () => {
    h = harness();
    s = await startSink();
    const dest = h.webhook(s.url);
    insertFilter(h.db, {
      destinationId: dest,
      condition: 'type = "track"',
      action: "drop_fields",
      config: { fields: ["properties.email"] },
    });
    archive(h.db, h, [track("Signed Up", { properties: { email: "a@b.c", plan: "pro" } })]);
    h.start();
    await until(settled(h.db, dest, 1));
    expect(JSON.parse(s.requests[0]!.body).properties).toEqual({ plan: "pro" });
  });

  it("suppresses duplicates by messageId and never routes a message twice", async () => {
    h = harness();
    s = await startSink();
    const dest = h.webhook(s.url);
    const first = archive(h.db, h, [track("A", { messageId: "dup-1" }), track("B", { messageId: "dup-2" })]);
    const again = archive(h.db, h, [track("A", { messageId: "dup-1" })]);
    expect(first.every((x) => x !== null)).toBe(true);
    expect(again).toEqual([null]);
    const runner = h.start();
    await until(settled(h.db, dest, 2));
    await runner.stop();
    // A second runner on the same database starts from the stored cursor: nothing is re-sent.
    h.start();
    archive(h.db, h, [track("C", { messageId: "dup-3" })]);
    await until(settled(h.db, dest, 3));
    await new Promise((r) => setTimeout(r, 100));
    expect(s.requests.map((r) => r.headers["idempotency-key"]).sort()).toEqual(["dup-1", "dup-2", "dup-3"]);
  });

  it("starts a new cursor at the end of the archive unless told otherwise", async () => {
    h = harness();
    s = await startSink();
    const dest = h.webhook(s.url);
    archive(h.db, h, [track("History")]);
    const { startDelivery } = await import("@/lib/delivery/runner");
    const { TEST_KEY } = await import("@/lib/delivery/testing/fixtures");
    h.runner = startDelivery({
      db: h.db,
      config: { pollMs: 10, allowPrivate: true },
      encryptionKey: TEST_KEY,
      tap: null,
    });
    archive(h.db, h, [track("New")]);
    await until(settled(h.db, dest, 1));
    expect(JSON.parse(s.requests[0]!.body).event).toBe("New");
  });
});
