import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post, SETTINGS_UNREADABLE, trackOnce } from "@/lib/ingest/testing/client";
import { archived, type IngestHarness, insertSource, setupIngest } from "@/lib/ingest/testing/fixtures";
import { readViolations } from "@/lib/protocols/queries";
import { invalidateProtocols } from "@/lib/protocols/resolver";

// Tracking plans and schema event filters at ingest, through the real tracking API: the verdict
// is stored with the message, violations and filter hits are counted by the archive writer.

let h: IngestHarness;
beforeAll(async () => {
  h = await setupIngest({ schemaFlushMs: 0 });
});
afterAll(() => h.close());

const rules = {
  events: [
    {
      type: "track",
      name: "Order Completed",
      schema: { type: "object", required: ["total"], properties: { total: { type: "number" } } },
    },
  ],
};

function connectPlan(sourceId: string, config: Record<string, unknown>) {
  const now = new Date().toISOString();
  h.db
    .prepare(
      `INSERT INTO "TrackingPlan" ("id", "workspaceId", "name", "rules", "version", "createdAt", "updatedAt")
       VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING`,
    )
    .run(`plan_${sourceId}`, h.source.workspaceId, `plan ${sourceId}`, JSON.stringify(rules), now, now);
  h.db
    .prepare(`UPDATE "Source" SET "trackingPlanId" = ?, "schemaConfig" = ? WHERE "id" = ?`)
    .run(`plan_${sourceId}`, JSON.stringify(config), sourceId);
  invalidateProtocols();
}

const protocolOf = (sourceId: string, messageId: string) => {
  const row = archived(h.db, sourceId).find((r) => r.messageId === messageId)!;
  return row.protocol ? JSON.parse(row.protocol) : null;
};

describe("tracking plan at ingest", () => {
  it("stores the verdict with the message (the payload stays as sent), counts violations with samples", async () => {
    const violations = insertSource(h.db, { workspaceId: h.source.workspaceId });
    connectPlan(h.source.id, { trackUnplanned: "block", forwardBlockedTo: violations.id });
    const k = { writeKey: h.source.writeKey };
    for (let i = 0; i < 5; i++)
      await post(
        h.url,
        "/v1/track",
        { userId: "u", event: "Order Completed", properties: { total: `t${i}` }, messageId: `inv-${i}` },
        k,
      );
    await post(
      h.url,
      "/v1/track",
      { userId: "u", event: "Order Completed", properties: { total: 3 }, messageId: "ok-1" },
      k,
    );
    const reply = await post(
      h.url,
      "/v1/track",
      { userId: "u", event: "Bogus", messageId: "unplanned-1" },
      k,
    );
    expect(reply.status).toBe(200); // blocking is not rejecting: the client is not told

    expect(protocolOf(h.source.id, "ok-1")).toBeNull();
    expect(protocolOf(h.source.id, "inv-0").violations[0]).toMatchObject({
      path: "properties.total",
      code: "type",
    });
    expect(archived(h.db, h.source.id).find((r) => r.messageId === "inv-0")!.message.properties.total).toBe(
      "t0",
    );
    expect(protocolOf(h.source.id, "unplanned-1").blocked).toEqual({
      step: "tracking_plan",
      reason: 'Blocked by tracking plan: unplanned event "Bogus"',
    });

    const list = await readViolations(h.db, h.source.id);
    const invalid = list.find((v) => v.code === "type")!;
    expect(invalid).toMatchObject({
      name: "Order Completed",
      path: "properties.total",
      total: 5,
      day: 5,
      week: 5,
    });
    expect(invalid.samples.map((s) => s.value)).toEqual(['"t2"', '"t3"', '"t4"']);
    expect(list.find((v) => v.code === "unplanned_event")).toMatchObject({ name: "Bogus", total: 1 });

    // Forwarded to the violations source, with the reason, as a message of its own.
    const forwarded = archived(h.db, violations.id);
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]!.message.event).toBe("Bogus");
    expect(forwarded[0]!.message.context.protocols).toMatchObject({
      sourceId: h.source.id,
      reason: 'Blocked by tracking plan: unplanned event "Bogus"',
    });
  });

  it("counts how often a schema event filter applied (no plan on that source)", async () => {
    const s = insertSource(h.db, { workspaceId: h.source.workspaceId });
    h.db
      .prepare(
        `INSERT INTO "SchemaEventFilter" ("id", "workspaceId", "sourceId", "kind", "name", "action", "createdAt", "updatedAt")
         VALUES ('sf1', ?, ?, 'track', 'Spam', 'block', ?, ?)`,
      )
      .run(s.workspaceId, s.id, new Date().toISOString(), new Date().toISOString());
    invalidateProtocols();
    const batch = [1, 2, 3].map((i) => ({
      type: "track",
      userId: "u",
      event: i < 3 ? "Spam" : "Ham",
      messageId: `sf-${i}`,
    }));
    await post(h.url, "/v1/batch", { batch }, { writeKey: s.writeKey });
    expect(protocolOf(s.id, "sf-1").blocked.step).toBe("schema_event_filter");
    expect(protocolOf(s.id, "sf-3")).toBeNull();
    expect(
      (h.db.prepare(`SELECT "hits" FROM "SchemaEventFilter" WHERE "id" = 'sf1'`).get() as { hits: number })
        .hits,
    ).toBe(2);
  });
});

describe("when a source's Protocols cannot be read", () => {
  it("answers 503 with a JSON message and stores nothing, so the client retries", async () => {
    const broken = await setupIngest({ schemaFlushMs: 0 });
    try {
      broken.db.exec(`ALTER TABLE "SchemaEventFilter" RENAME TO "SchemaEventFilterGone"`);
      invalidateProtocols();
      expect(await trackOnce(broken.url, broken.source.writeKey, "unreadable-1")).toEqual(
        SETTINGS_UNREADABLE,
      );
      expect(archived(broken.db, broken.source.id)).toEqual([]);
    } finally {
      await broken.close();
    }
  });
});
