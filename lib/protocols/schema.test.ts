import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post } from "@/lib/ingest/testing/client";
import { type IngestHarness, insertSource, setupIngest } from "@/lib/ingest/testing/fixtures";
import { readSchema, schemaQuery } from "@/lib/protocols/queries";

// The Source Schema is kept by the archive writer as messages are stored: these tests send real
// requests through the tracking API (writer thread, group commits) and read the aggregates.

let h: IngestHarness;
beforeAll(async () => {
  h = await setupIngest({ schemaFlushMs: 0 });
});
afterAll(() => h.close());

const q = (input: Record<string, unknown> = {}) => schemaQuery.parse(input);

describe("Source Schema aggregation at ingest", () => {
  it("counts track events by name with their properties' observed types and frequencies", async () => {
    const batch = [
      { type: "track", userId: "u1", event: "Order Completed", properties: { total: 42, currency: "EUR" } },
      { type: "track", userId: "u2", event: "Order Completed", properties: { total: "42.5", coupon: null } },
      {
        type: "track",
        userId: "u3",
        event: "Order Completed",
        properties: { total: 9.5, items: [{ sku: "a" }], shipping: { city: "Oslo" } },
      },
      { type: "track", userId: "u1", event: "Signed Up" },
      { type: "track", userId: "u1" }, // rejected: no event name, not counted
    ];
    const reply = await post(h.url, "/v1/batch", { batch }, { writeKey: h.source.writeKey });
    expect(reply.json.accepted).toBe(4);
    const { items, total } = await readSchema(h.db, h.source.id, q());
    expect(total).toBe(2);
    const order = items.find((i) => i.name === "Order Completed")!;
    expect(order.total).toBe(3);
    expect(order.volume).toBe(3);
    expect(order.firstSeen).toBeGreaterThan(0);
    expect(order.lastSeen).toBeGreaterThanOrEqual(order.firstSeen);
    const prop = (path: string) => order.properties.find((p) => p.path === path);
    expect(prop("total")!.types).toEqual(
      expect.arrayContaining([
        { type: "integer", count: 1 },
        { type: "string", count: 1 },
        { type: "number", count: 1 },
      ]),
    );
    expect(prop("total")!.frequency).toBe(1);
    expect(prop("currency")!.frequency).toBeCloseTo(1 / 3);
    expect(prop("coupon")!.types).toEqual([{ type: "null", count: 1 }]);
    expect(prop("items")!.types).toEqual([{ type: "array", count: 1 }]);
    expect(prop("shipping.city")!.types).toEqual([{ type: "string", count: 1 }]);
  });

  it("lists identify and group traits, page and screen names, each with their volume", async () => {
    const k = { writeKey: h.source.writeKey };
    await post(h.url, "/v1/identify", { userId: "u1", traits: { email: "a@b.c", age: 30 } }, k);
    await post(h.url, "/v1/identify", { userId: "u2", traits: { email: "d@e.f" } }, k);
    await post(h.url, "/v1/group", { userId: "u2", groupId: "g", traits: { plan: "pro" } }, k);
    await post(h.url, "/v1/page", { userId: "u2", name: "Pricing" }, k);
    await post(h.url, "/v1/screen", { userId: "u2", name: "Cart" }, k);
    const identify = await readSchema(h.db, h.source.id, q({ kind: "identify", sort: "name", order: "asc" }));
    expect(identify.items.map((i) => [i.name, i.total])).toEqual([
      ["age", 1],
      ["email", 2],
    ]);
    expect(identify.items[1]!.properties).toEqual([
      { path: "", types: [{ type: "string", count: 2 }], frequency: 1 },
    ]);
    expect((await readSchema(h.db, h.source.id, q({ kind: "group" }))).items.map((i) => i.name)).toEqual([
      "plan",
    ]);
    expect((await readSchema(h.db, h.source.id, q({ kind: "page" }))).items.map((i) => i.name)).toEqual([
      "Pricing",
    ]);
    expect((await readSchema(h.db, h.source.id, q({ kind: "screen" }))).items.map((i) => i.name)).toEqual([
      "Cart",
    ]);
  });

  it("does not count a duplicate messageId twice", async () => {
    const body = { userId: "u1", event: "Dedup Me", messageId: "dup-schema-1" };
    await post(h.url, "/v1/track", body, { writeKey: h.source.writeKey });
    await post(h.url, "/v1/track", body, { writeKey: h.source.writeKey });
    const item = (await readSchema(h.db, h.source.id, q({ q: "Dedup" }))).items[0]!;
    expect(item.total).toBe(1);
  });

  it("searches, sorts and pages thousands of names; other sources stay separate", async () => {
    const other = insertSource(h.db, { workspaceId: h.source.workspaceId });
    const batch = Array.from({ length: 2500 }, (_, i) => ({
      type: "track",
      userId: "u",
      event: `Bulk ${String(i).padStart(4, "0")}`,
    }));
    for (let i = 0; i < batch.length; i += 500) {
      const r = await post(
        h.url,
        "/v1/batch",
        { batch: batch.slice(i, i + 500) },
        { writeKey: other.writeKey },
      );
      expect(r.json.accepted).toBe(500);
    }
    const page = await readSchema(h.db, other.id, q({ sort: "name", order: "desc", page: 2, pageSize: 100 }));
    expect(page.total).toBe(2500);
    expect(page.items).toHaveLength(100);
    expect(page.items[0]!.name).toBe("Bulk 2399");
    expect((await readSchema(h.db, other.id, q({ q: "Bulk 123" }))).total).toBe(10);
    expect((await readSchema(h.db, h.source.id, q({ q: "Bulk" }))).total).toBe(0);
    // LIKE wildcards in the search are literal.
    expect((await readSchema(h.db, other.id, q({ q: "Bulk_%" }))).total).toBe(0);
  });

  it("keeps volumes per window: a 7-day-old bucket counts for 7 d, not 24 h", async () => {
    const now = Date.now();
    const item = async () => (await readSchema(h.db, h.source.id, q({ q: "Signed Up" }), now)).items[0]!;
    const old = Math.floor((now - 3 * 24 * 3_600_000) / 3_600_000);
    h.db
      .prepare(`INSERT INTO "SchemaHour" ("sourceId", "key", "hour", "count") VALUES (?, ?, ?, 5)`)
      .run(h.source.id, "track\u001fSigned Up", old);
    expect((await item()).volume).toBe(1);
    expect(
      (await readSchema(h.db, h.source.id, q({ q: "Signed Up", window: "7d" }), now)).items[0]!.volume,
    ).toBe(6);
  });
});

describe("Source Schema writes from the writer thread, batched over time", () => {
  it("writes the counts within the flush interval even when no more traffic comes", async () => {
    const lazy = await setupIngest({ schemaFlushMs: 200 });
    try {
      await post(lazy.url, "/v1/track", { userId: "u", event: "Lonely" }, { writeKey: lazy.source.writeKey });
      await expect
        .poll(async () => (await readSchema(lazy.db, lazy.source.id, q())).total, { timeout: 5000 })
        .toBe(1);
      // Many single calls: counted exactly, whatever groups they were committed in.
      for (let i = 0; i < 30; i++)
        await post(
          lazy.url,
          "/v1/track",
          { userId: "u", event: "Lonely" },
          { writeKey: lazy.source.writeKey },
        );
      await expect
        .poll(async () => (await readSchema(lazy.db, lazy.source.id, q())).items[0]?.total, { timeout: 5000 })
        .toBe(31);
    } finally {
      await lazy.close();
    }
  });
});
