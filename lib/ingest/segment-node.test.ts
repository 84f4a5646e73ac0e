import { Analytics } from "@segment/analytics-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archived, type IngestHarness, setupIngest } from "@/lib/ingest/testing/fixtures";

// Segment's own Node SDK, pointed at this server with `host`, must get every event stored once.

describe.each(["inline", "thread"] as const)("@segment/analytics-node (%s writer)", (writer) => {
  let h: IngestHarness;
  beforeAll(async () => {
    h = await setupIngest({ writer });
  });
  afterAll(() => h.close());

  it("delivers 1,000 mixed calls, each stored exactly once", async () => {
    const analytics = new Analytics({ writeKey: h.source.writeKey, host: h.url, flushInterval: 200 });
    const errors: unknown[] = [];
    analytics.on("error", (err) => errors.push(err));
    for (let i = 0; i < 1000; i++) {
      const userId = `user-${i % 37}`;
      switch (i % 6) {
        case 0:
          analytics.track({ userId, event: "Order Completed", properties: { i, total: i * 1.5 } });
          break;
        case 1:
          analytics.identify({ userId, traits: { email: `${userId}@example.com`, i } });
          break;
        case 2:
          analytics.page({ anonymousId: `anon-${i}`, name: "Pricing", properties: { path: "/pricing", i } });
          break;
        case 3:
          analytics.group({ userId, groupId: `org-${i % 5}`, traits: { i } });
          break;
        case 4:
          analytics.alias({ userId, previousId: `anon-${i}` });
          break;
        default:
          analytics.screen({ userId, name: "Home", properties: { i } });
      }
    }
    await analytics.closeAndFlush({ timeout: 20_000 });

    expect(errors).toEqual([]);
    const rows = archived(h.db, h.source.id);
    expect(rows.filter((r) => r.status === "rejected")).toEqual([]);
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.messageId)).size).toBe(1000);
    const counts = Object.fromEntries(
      ["track", "identify", "page", "group", "alias", "screen"].map((t) => [
        t,
        rows.filter((r) => r.type === t).length,
      ]),
    );
    expect(counts).toEqual({ track: 167, identify: 167, page: 167, group: 167, alias: 166, screen: 166 });
    const track = rows.find((r) => r.type === "track")!.message;
    expect(track.context.library.name).toBe("@segment/analytics-node");
    expect(track.messageId).toMatch(/^node-next-/);
    expect(track.originalTimestamp).toBeDefined();
    expect(track.receivedAt).toBeDefined();
  }, 60_000);
});
