import { afterEach, describe, expect, it } from "vitest";
import { archive, countBy, settled, track, until } from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// Routing of archived messages that carry a Protocols verdict, end to end (archive -> router ->
// webhook): blocked messages are filtered for every destination under the step's name, omitted
// fields never reach a destination, schema integration filters switch one destination off.

let h: Harness;
let s: Sink;
afterEach(async () => {
  await h?.close();
  await s?.close();
});

describe("routing with Protocols", () => {
  it("names the step that stopped a message, and delivers what omissions leave", async () => {
    h = harness();
    s = await startSink();
    const hook = h.webhook(s.url, {}, "Orders hook");
    const seqs = archive(h.db, h, [
      track("Unplanned"),
      track("Debug Ping"),
      track("Order Completed", { properties: { total: "x", currency: "EUR" } }),
      { type: "identify", userId: "user-1", traits: { email: "a@b.c", ssn: "123" } },
      track("Muted"),
      track("Muted", { integrations: { Webhooks: true } }),
    ]);
    const verdicts = [
      { blocked: { step: "tracking_plan", reason: 'Blocked by tracking plan: unplanned event "Unplanned"' } },
      {
        blocked: { step: "schema_event_filter", reason: 'Blocked by schema: event "Debug Ping" is blocked' },
      },
      { violations: [], omitted: [{ step: "tracking_plan", path: "properties.total" }] },
      { omitted: [{ step: "schema_event_filter", path: "traits.ssn" }] },
    ];
    const set = h.db.prepare(`UPDATE "Message" SET "protocol" = ? WHERE "seq" = ?`);
    for (const [i, v] of verdicts.entries()) set.run(JSON.stringify(v), seqs[i]);
    h.db
      .prepare(
        `INSERT INTO "SchemaIntegrationFilter" ("sourceId", "kind", "name", "destinationId", "workspaceId", "updatedAt")
         VALUES (?, 'track', 'Muted', ?, ?, ?)`,
      )
      .run(h.sourceId, hook, h.workspaceId, new Date().toISOString());
    h.start({ timeoutMs: 5_000, deadlineMs: 60_000 });
    const rows = await until(settled(h.db, hook, 6));
    expect(countBy(rows)).toEqual({ delivered: 3, filtered: 3 });
    const at = (i: number) => rows.find((r) => r.seq === seqs[i])!;
    expect(at(0)).toMatchObject({
      errorType: "tracking_plan",
      errorMessage: expect.stringContaining("unplanned"),
    });
    expect(at(1)).toMatchObject({ errorType: "schema_event_filter" });
    expect(at(4)).toMatchObject({ status: "filtered", errorType: "schema_integration_filter" });
    expect(at(5)).toMatchObject({ status: "delivered" }); // its integrations object names the type
    const bodies = s.requests.map((r) => JSON.parse(r.body) as Record<string, Record<string, unknown>>);
    const order = bodies.find((b) => (b.event as unknown) === "Order Completed")!;
    expect(order.properties).toEqual({ currency: "EUR" });
    const identify = bodies.find((b) => (b.type as unknown) === "identify")!;
    expect(identify.traits).toEqual({ email: "a@b.c" });
    // The archive keeps the message as sent.
    const stored = h.db.prepare(`SELECT "payload" FROM "Message" WHERE "seq" = ?`).get(seqs[2]) as {
      payload: string;
    };
    expect(JSON.parse(stored.payload).properties.total).toBe("x");
  });
});
