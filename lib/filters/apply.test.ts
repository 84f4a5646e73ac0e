import { describe, expect, it } from "vitest";
import { applyFilters, type FilterDefinition, sampleBucket } from "./apply";

let nextId = 0;
function filter(partial: Partial<FilterDefinition> & Pick<FilterDefinition, "action">): FilterDefinition {
  nextId++;
  return {
    id: `f${nextId}`,
    name: `Filter ${nextId}`,
    condition: "true",
    config: {},
    enabled: true,
    position: nextId,
    ...partial,
  };
}

const track = () => ({
  type: "track",
  event: "Order Completed",
  messageId: "msg-1",
  userId: "u1",
  anonymousId: "a1",
  timestamp: "2025-01-01T00:00:00.000Z",
  receivedAt: "2025-01-01T00:00:01.000Z",
  context: { ip: "10.0.0.1", library: { name: "analytics.js" }, traits: { email: "x@y.z" } },
  properties: {
    total: 120,
    price: 10,
    email: "ada@example.com",
    products: [
      { sku: "a", price: 1, name: "A" },
      { sku: "b", price: 2, name: "B" },
    ],
  },
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe("applyFilters", () => {
  it("keeps the message untouched when no filter matches", () => {
    const msg = track();
    const result = applyFilters(msg, [filter({ action: "drop", condition: 'type = "identify"' })]);
    expect(result).toEqual({ kind: "kept", message: msg, applied: [] });
    if (result.kind === "kept") expect(result.message).toBe(msg);
  });

  it("drops matching messages", () => {
    const drop = filter({ name: "No orders", action: "drop", condition: 'event = "Order Completed"' });
    expect(applyFilters(track(), [drop])).toEqual({
      kind: "filtered",
      filterId: drop.id,
      filterName: "No orders",
      action: "drop",
      reason: 'Dropped by filter "No orders"',
    });
  });

  it("ignores disabled filters", () => {
    const drop = filter({ action: "drop", enabled: false });
    expect(applyFilters(track(), [drop]).kind).toBe("kept");
  });

  it("drop_fields removes dotted paths, through arrays, without mutating the input", () => {
    const msg = deepFreeze(track());
    const f = filter({
      action: "drop_fields",
      config: {
        fields: ["properties.email", "context.ip", "properties.products.price", "nope.deep", "type"],
      },
    });
    const result = applyFilters(msg, [f]);
    if (result.kind !== "kept") throw new Error("expected kept");
    expect(result.message.properties).toEqual({
      total: 120,
      price: 10,
      products: [
        { sku: "a", name: "A" },
        { sku: "b", name: "B" },
      ],
    });
    expect(result.message.context).toEqual({ library: { name: "analytics.js" }, traits: { email: "x@y.z" } });
    expect(result.message.type).toBe("track"); // protected
    expect(result.applied).toEqual([{ filterId: f.id, filterName: f.name, action: "drop_fields" }]);
    expect(msg).toEqual(track());
    // untouched branches are shared rather than copied
    expect((result.message.context as { library: unknown }).library).toBe(msg.context.library);
  });

  it("allow_fields applies within each object it names; everything else is untouched (issue 15, item 1)", () => {
    const msg = deepFreeze(track());
    const only = (fields: string[]) => {
      const result = applyFilters(msg, [filter({ action: "allow_fields", config: { fields } })]);
      if (result.kind !== "kept") throw new Error("expected kept");
      return result.message;
    };
    // Only properties is named: context, ids, event and timestamps stay as they are.
    expect(only(["properties.total"])).toEqual({ ...track(), properties: { total: 120 } });
    // Only context is named: every property stays.
    expect(only(["context.library"])).toEqual({ ...track(), context: { library: { name: "analytics.js" } } });
    // properties.products is named, properties itself is not: each product keeps only its sku.
    expect(only(["properties.products.sku"]).properties).toEqual({
      ...track().properties,
      products: [{ sku: "a" }, { sku: "b" }],
    });
    // Both: properties keeps total and the products leading to the listed sku.
    expect(only(["properties.total", "properties.products.sku"]).properties).toEqual({
      total: 120,
      products: [{ sku: "a" }, { sku: "b" }],
    });
    expect(only(["context.traits.email", "context.ip"]).context).toEqual({
      ip: "10.0.0.1",
      traits: { email: "x@y.z" },
    });
    expect(msg).toEqual(track());
  });

  it("allow_fields keeps a whole object when it is listed alongside one of its children", () => {
    const result = applyFilters(track(), [
      filter({
        action: "allow_fields",
        config: { fields: ["properties.products.sku", "properties.products"] },
      }),
    ]);
    if (result.kind !== "kept") throw new Error("expected kept");
    expect(result.message.properties).toEqual({ products: track().properties.products });
  });

  it("allow_fields returns the message itself when nothing outside the list was there", () => {
    const msg = { type: "track", properties: { total: 1 } };
    const result = applyFilters(msg, [
      filter({ action: "allow_fields", config: { fields: ["properties.total"] } }),
    ]);
    expect(result.kind === "kept" && result.message).toBe(msg);
  });

  it("filters saved before top-level fields were refused: allow ignores them, drop still removes them", () => {
    const allow = applyFilters(track(), [
      filter({ action: "allow_fields", config: { fields: ["userId", "properties.total"] } }),
    ]);
    expect(allow.kind === "kept" && allow.message).toEqual({ ...track(), properties: { total: 120 } });
    const drop = applyFilters(track(), [
      filter({ action: "drop_fields", config: { fields: ["anonymousId", "messageId"] } }),
    ]);
    const { anonymousId: _, ...withoutAnonymousId } = track();
    expect(drop.kind === "kept" && drop.message).toEqual(withoutAnonymousId); // messageId is protected
  });

  it("applies field filters only when their condition matches", () => {
    const f = filter({
      action: "drop_fields",
      condition: 'type = "identify"',
      config: { fields: ["properties.email"] },
    });
    const result = applyFilters(track(), [f]);
    expect(result.kind === "kept" && result.message.properties).toEqual(track().properties);
  });

  it("applies sample, then drop, then drop_fields, then allow_fields whatever the positions", () => {
    const sample = filter({
      name: "Sample none",
      action: "sample",
      config: { percent: 0.0001 },
      position: 9,
    });
    const drop = filter({ name: "Drop all", action: "drop", position: 0 });
    expect(applyFilters(track(), [drop, sample])).toMatchObject({
      kind: "filtered",
      filterName: "Sample none",
    });

    const allow = filter({ action: "allow_fields", position: 0, config: { fields: ["properties.email"] } });
    const dropIp = filter({ action: "drop_fields", position: 5, config: { fields: ["context.ip"] } });
    const result = applyFilters(track(), [allow, dropIp]);
    if (result.kind !== "kept") throw new Error("expected kept");
    expect(result.applied.map((a) => a.action)).toEqual(["drop_fields", "allow_fields"]);
    expect(result.message.properties).toEqual({ email: "ada@example.com" });
    expect(result.message.context).toEqual({ library: { name: "analytics.js" }, traits: { email: "x@y.z" } });
  });

  it("orders filters of one action by position", () => {
    const second = filter({ name: "second", action: "drop", position: 2 });
    const first = filter({ name: "first", action: "drop", position: 1 });
    expect(applyFilters(track(), [second, first])).toMatchObject({ filterName: "first" });
  });

  it("evaluates conditions after earlier filters changed the message", () => {
    const strip = filter({ action: "drop_fields", position: 0, config: { fields: ["properties.email"] } });
    const allowIfEmail = filter({
      action: "allow_fields",
      position: 1,
      condition: "properties.email != null",
      config: { fields: ["properties.total"] },
    });
    const result = applyFilters(track(), [allowIfEmail, strip]);
    expect(result.kind === "kept" && result.message.properties).toEqual({
      total: 120,
      price: 10,
      products: track().properties.products,
    });
  });

  it("accepts config as the JSON string stored in the database", () => {
    const f = filter({ action: "drop_fields", config: JSON.stringify({ fields: ["properties.email"] }) });
    const result = applyFilters(track(), [f]);
    expect(result.kind === "kept" && "email" in (result.message.properties as object)).toBe(false);
  });

  it("fails closed on an invalid condition, config or action", () => {
    expect(
      applyFilters(track(), [filter({ name: "Bad", action: "drop_fields", condition: "x =" })]),
    ).toMatchObject({
      kind: "filtered",
      filterName: "Bad",
      reason: 'Filter "Bad" has an invalid condition: Expected a value after "=" at column 4',
    });
    expect(
      applyFilters(track(), [filter({ action: "allow_fields", config: { fields: "x" } })]),
    ).toMatchObject({
      kind: "filtered",
      reason: expect.stringContaining("invalid config"),
    });
    expect(applyFilters(track(), [filter({ action: "sample", config: "{not json" })])).toMatchObject({
      kind: "filtered",
    });
    expect(applyFilters(track(), [filter({ action: "explode" })])).toMatchObject({
      kind: "filtered",
      reason: expect.stringContaining("unknown action"),
    });
    expect(applyFilters(track(), [filter({ action: "toString" })]).kind).toBe("filtered");
  });
});

describe("sampling", () => {
  it("puts buckets in [0, 100) with two decimals, deterministically", () => {
    const b = sampleBucket("msg-1", "f1");
    expect(b).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThan(100);
    expect(Math.round(b * 100)).toBeCloseTo(b * 100, 8);
    expect(sampleBucket("msg-1", "f1")).toBe(b);
  });

  it("keeps close to the requested share of 10,000 messages and replays identically", () => {
    for (const percent of [1, 10, 25, 50, 90]) {
      const f = filter({ action: "sample", config: { percent } });
      const decide = () =>
        Array.from(
          { length: 10_000 },
          (_, i) => applyFilters({ ...track(), messageId: `msg-${i}` }, [f]).kind,
        );
      const first = decide();
      const kept = first.filter((k) => k === "kept").length;
      expect(Math.abs(kept / 100 - percent)).toBeLessThan(1.5);
      expect(decide()).toEqual(first);
    }
  });

  it("decides independently per filter", () => {
    const a = filter({ action: "sample", config: { percent: 50 } });
    const b = filter({ action: "sample", config: { percent: 50 } });
    let same = 0;
    for (let i = 0; i < 2000; i++) {
      const msg = { ...track(), messageId: `m${i}` };
      if (applyFilters(msg, [a]).kind === applyFilters(msg, [b]).kind) same++;
    }
    expect(same / 2000).toBeGreaterThan(0.4);
    expect(same / 2000).toBeLessThan(0.6);
  });

  it("keeps everything at 100% and only samples matching messages", () => {
    const all = filter({ action: "sample", config: { percent: 100 } });
    const pagesOnly = filter({ action: "sample", condition: 'type = "page"', config: { percent: 0.01 } });
    for (let i = 0; i < 500; i++) {
      expect(applyFilters({ ...track(), messageId: `m${i}` }, [all, pagesOnly]).kind).toBe("kept");
    }
  });

  it("samples by a field's value: all of a user's events or none, the same users at every rate (issue 15, item 3)", () => {
    const byUser = (percent: number, id = "s") =>
      filter({ id, action: "sample", config: { percent, path: "userId" } });
    const kept = (f: FilterDefinition, userId: string, i: number) =>
      applyFilters({ ...track(), userId, messageId: `${userId}-${i}` }, [f]).kind === "kept";
    const users = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    const ten = byUser(10);
    const chosen = users.filter((u) => kept(ten, u, 0));
    expect(Math.abs(chosen.length / 20 - 10)).toBeLessThan(2.5);
    for (const u of users.slice(0, 200)) {
      const first = kept(ten, u, 0);
      for (let i = 1; i < 5; i++) expect(kept(ten, u, i)).toBe(first); // whatever the messageId
    }
    // A user kept at 10% is kept at 20%, and by another filter (another destination) at 10%.
    expect(chosen.every((u) => kept(byUser(20), u, 9))).toBe(true);
    expect(chosen.every((u) => kept(byUser(10, "other-filter"), u, 9))).toBe(true);
    // Events without the field share one decision.
    const none = Array.from(
      { length: 20 },
      (_, i) => applyFilters({ type: "track", messageId: `n${i}` }, [byUser(50)]).kind,
    );
    expect(new Set(none).size).toBe(1);
  });

  it("reports the sample with its percent", () => {
    const f = filter({ name: "Heartbeats", action: "sample", config: { percent: 0.01 } });
    const out = Array.from({ length: 50 }, (_, i) => applyFilters({ ...track(), messageId: `x${i}` }, [f]));
    expect(out.find((r) => r.kind === "filtered")).toMatchObject({
      filterId: f.id,
      action: "sample",
      reason: 'Sampled out by filter "Heartbeats" (keeps 0.01% of matching events)',
    });
  });
});
