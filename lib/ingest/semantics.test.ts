import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestStats } from "@/lib/ingest/stats";
import { post } from "@/lib/ingest/testing/client";
import { archived, type IngestHarness, insertSource, setupIngest } from "@/lib/ingest/testing/fixtures";
import { createTap, type TapEvent } from "@/lib/tap";

const tap = createTap();
let h: IngestHarness;
beforeAll(async () => {
  h = await setupIngest({ tap });
});
afterAll(() => h.close());

const row = (messageId: string) => archived(h.db, h.source.id).find((r) => r.messageId === messageId);

describe("per-message validation", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["/v1/track", { event: "E" }, /missing userId and anonymousId/],
    ["/v1/track", { userId: "u" }, /event name/],
    ["/v1/track", { userId: "u", event: 42 }, /event must be a string/],
    ["/v1/track", { userId: "u", event: "E", properties: [1] }, /properties must be a JSON object/],
    ["/v1/identify", { userId: "u", traits: "pro" }, /traits must be a JSON object/],
    ["/v1/track", { userId: "u", event: "E", context: 1 }, /context must be a JSON object/],
    ["/v1/track", { userId: "u", event: "E", timestamp: "yesterday" }, /timestamp must be an ISO-8601/],
    ["/v1/track", { userId: "u", event: "E", timestamp: 1700000000 }, /timestamp must be an ISO-8601/],
    ["/v1/track", { userId: "u", event: "E", messageId: "m".repeat(101) }, /101 characters.*limit is 100/],
    ["/v1/track", { userId: { id: 1 }, event: "E" }, /userId must be a string/],
    ["/v1/alias", { userId: "u" }, /previousId/],
    ["/v1/group", { userId: "u" }, /groupId/],
    ["/v1/page", { userId: "u", name: 5 }, /name must be a string/],
  ];

  it.each(cases)("%s %j -> 400 %s, archived as rejected", async (path, body, reason) => {
    const reply = await post(h.url, path, body, { writeKey: h.source.writeKey });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("invalid_message");
    expect(reply.json.error.message).toMatch(reason);
    const last = archived(h.db, h.source.id).at(-1)!;
    expect(last.status).toBe("rejected");
    expect(last.reason).toMatch(reason);
  });

  it("accepts a batch partially and lists rejected indexes; rejected rows keep their reason", async () => {
    const batch = [
      { type: "track", userId: "u", event: "ok-0", messageId: "partial-0" },
      { type: "track", userId: "u" },
      { type: "bogus", userId: "u" },
      { type: "identify", userId: "u", messageId: "partial-3" },
      7,
      { type: "group", userId: "u" },
    ];
    const reply = await post(h.url, "/v1/batch", { batch }, { writeKey: h.source.writeKey });
    expect(reply.status).toBe(200);
    expect(reply.json.accepted).toBe(2);
    expect(reply.json.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 4, 5]);
    expect(reply.json.rejected[1].reason).toMatch(/unknown type "bogus"/);
    const rows = archived(h.db, h.source.id).slice(-6);
    expect(rows.map((r) => r.status)).toEqual([
      "accepted",
      "rejected",
      "rejected",
      "accepted",
      "rejected",
      "rejected",
    ]);
    expect(rows[4]!.message).toMatchObject({ raw: 7 });
    expect(rows[5]!.reason).toMatch(/groupId/);
  });
});

describe("enrichment", () => {
  it("adds messageId, receivedAt, context.ip and keeps the client's timestamp as originalTimestamp", async () => {
    const before = Date.now();
    await post(
      h.url,
      "/v1/identify",
      { userId: "enrich-1", timestamp: "2024-05-01T12:00:00.000Z", context: { direct: true } },
      { writeKey: h.source.writeKey },
    );
    const r = archived(h.db, h.source.id).find((x) => x.userId === "enrich-1")!;
    expect(r.message.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.messageId).toBe(r.message.messageId);
    expect(Date.parse(r.message.receivedAt)).toBeGreaterThanOrEqual(before - 5);
    expect(r.receivedAt).toBe(Date.parse(r.message.receivedAt));
    expect(r.message.originalTimestamp).toBe("2024-05-01T12:00:00.000Z");
    expect(r.message.timestamp).toBe("2024-05-01T12:00:00.000Z");
    expect(r.message.context.ip).toBe("127.0.0.1");
  });

  it("corrects the client's clock skew: timestamp = receivedAt - (sentAt - originalTimestamp)", async () => {
    // The client's clock is an hour fast; the event happened 5 s before it was sent.
    const clientNow = Date.now() + 3_600_000;
    const body = {
      userId: "u",
      event: "Skewed",
      messageId: "skew-1",
      timestamp: new Date(clientNow - 5000).toISOString(),
      sentAt: new Date(clientNow).toISOString(),
    };
    await post(h.url, "/v1/track", body, { writeKey: h.source.writeKey });
    const m = row("skew-1")!.message;
    expect(Date.parse(m.receivedAt) - Date.parse(m.timestamp)).toBe(5000);
    expect(m.originalTimestamp).toBe(body.timestamp);
  });

  it("uses receivedAt as timestamp when the client sent none, and keeps a client context.ip", async () => {
    await post(
      h.url,
      "/v1/track",
      { userId: "u", event: "E", messageId: "no-ts", context: { ip: "203.0.113.9" } },
      { writeKey: h.source.writeKey },
    );
    const m = row("no-ts")!.message;
    expect(m.timestamp).toBe(m.receivedAt);
    expect(m.originalTimestamp).toBeUndefined();
    expect(m.context.ip).toBe("203.0.113.9");
  });

  it("merges batch-level context and integrations into each message (the message wins) and applies batch sentAt", async () => {
    // One clock reading for both: two could straddle a millisecond and make the skew 9,999 ms.
    const now = Date.now();
    const sentAt = new Date(now + 60_000).toISOString();
    const batch = [
      {
        type: "track",
        userId: "u",
        event: "A",
        messageId: "merge-a",
        timestamp: new Date(now + 50_000).toISOString(),
      },
      {
        type: "track",
        userId: "u",
        event: "B",
        messageId: "merge-b",
        context: { locale: "fr-FR" },
        integrations: { Mixpanel: false },
      },
    ];
    const body = {
      batch,
      sentAt,
      context: { locale: "en-GB", library: { name: "lib" } },
      integrations: { All: true, Mixpanel: true },
    };
    await post(h.url, "/v1/batch", body, { writeKey: h.source.writeKey });
    const a = row("merge-a")!.message;
    const b = row("merge-b")!.message;
    expect(a.context).toEqual({ locale: "en-GB", library: { name: "lib" } }); // a server library: no ip
    expect(b.context).toMatchObject({ locale: "fr-FR", library: { name: "lib" } });
    expect(a.integrations).toEqual({ All: true, Mixpanel: true });
    expect(b.integrations).toEqual({ All: true, Mixpanel: false });
    expect(a.sentAt).toBe(sentAt);
    expect(Date.parse(a.receivedAt) - Date.parse(a.timestamp)).toBe(10_000);
  });
});

describe("Segment's enrichment rules (issue 15, items 6 to 9)", () => {
  const send = (path: string, body: unknown) => post(h.url, path, body, { writeKey: h.source.writeKey });

  it("fills context.ip for client-side libraries, context.direct and pixels only (item 6)", async () => {
    const ipOf = (id: string) => row(id)?.message.context?.ip;
    await send("/v1/batch", {
      batch: [
        {
          type: "track",
          userId: "u",
          event: "E",
          messageId: "ip-node",
          context: { library: { name: "@segment/analytics-node" } },
        },
        { type: "track", userId: "u", event: "E", messageId: "ip-bare" },
        { type: "track", userId: "u", event: "E", messageId: "ip-direct", context: { direct: true } },
        {
          type: "track",
          userId: "u",
          event: "E",
          messageId: "ip-ajs",
          context: { library: { name: "analytics.js" } },
        },
        {
          type: "track",
          userId: "u",
          event: "E",
          messageId: "ip-swift",
          context: { library: { name: "analytics-swift" } },
        },
        {
          type: "track",
          userId: "u",
          event: "E",
          messageId: "ip-kept",
          context: { ip: "203.0.113.4", direct: true },
        },
      ],
    });
    expect(ipOf("ip-node")).toBeUndefined(); // the server's address is not the user's
    expect(row("ip-bare")!.message.context).toBeUndefined();
    expect(ipOf("ip-direct")).toBe("127.0.0.1");
    expect(ipOf("ip-ajs")).toBe("127.0.0.1");
    expect(ipOf("ip-swift")).toBe("127.0.0.1");
    expect(ipOf("ip-kept")).toBe("203.0.113.4");
    const data = Buffer.from(
      JSON.stringify({ writeKey: h.source.writeKey, userId: "u", event: "Opened", messageId: "ip-pixel" }),
    ).toString("base64");
    await fetch(`${h.url}/v1/pixel/track?data=${data}`);
    expect(ipOf("ip-pixel")).toBe("127.0.0.1");
  });

  it("accepts Segment's own example batch, with its one-digit months, and still refuses what is no date (item 7)", async () => {
    // The batch of Segment's HTTP API documentation (src/connections/sources/catalog/libraries/server/http-api).
    const reply = await send("/v1/batch", {
      batch: [
        {
          type: "identify",
          userId: "019mr8mf4r",
          traits: { email: "jake@yahoo.com" },
          timestamp: "2012-12-02T00:30:08.276Z",
        },
        { type: "track", userId: "019mr8mf4r", event: "Song Played", timestamp: "2012-12-02T00:30:12.984Z" },
        {
          type: "identify",
          userId: "971mj8mk7p",
          messageId: "lenient-1",
          timestamp: "2015-2-02T00:30:08.276Z",
        },
        { type: "track", userId: "971mj8mk7p", event: "Song Played", timestamp: "2015-2-02T00:30:12.984Z" },
      ],
      context: { device: { type: "phone", name: "Apple iPhone 6" } },
    });
    expect(reply.json).toMatchObject({ accepted: 4, rejected: [] });
    const m = row("lenient-1")!.message;
    expect(m.originalTimestamp).toBe("2015-2-02T00:30:08.276Z"); // as sent
    expect(m.timestamp).toBe("2015-02-02T00:30:08.276Z"); // normalised for destinations
    for (const bad of [
      "yesterday",
      "2015-13-02T00:30:08Z",
      "2015-2-30",
      "2015/02/02",
      "1700000000",
      "2015-2-2T25:00",
    ]) {
      const r = await send("/v1/track", { userId: "u", event: "E", timestamp: bad });
      expect(r.status, bad).toBe(400);
      expect(r.json.error.message).toMatch(/timestamp must be an ISO-8601/);
    }
  });

  it("merges batch-level context deeply, the message's values winning (item 8)", async () => {
    await send("/v1/batch", {
      context: { library: { name: "my-lib", version: "1.0" }, device: { type: "phone" } },
      integrations: { Mixpanel: { apiKey: "x", region: "eu" } },
      batch: [
        {
          type: "track",
          userId: "u",
          event: "E",
          messageId: "deep-merge",
          context: { library: { version: "2.0" }, device: null },
          integrations: { Mixpanel: { region: "us" } },
        },
      ],
    });
    const m = row("deep-merge")!.message;
    expect(m.context).toEqual({ library: { name: "my-lib", version: "2.0" }, device: null });
    expect(m.integrations).toEqual({ Mixpanel: { apiKey: "x", region: "us" } });
  });

  it("follows Segment's originalTimestamp rule (item 9)", async () => {
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    // RudderStack's Node SDK sends only originalTimestamp: a backdated event keeps its time.
    await send("/v1/track", { userId: "u", event: "E", messageId: "orig-only", originalTimestamp: hourAgo });
    expect(row("orig-only")!.message).toMatchObject({ originalTimestamp: hourAgo, timestamp: hourAgo });
    // With sentAt, the sent originalTimestamp is the client clock the correction starts from.
    const clientNow = Date.now() + 120_000; // the client's clock is 2 minutes fast
    await send("/v1/track", {
      userId: "u",
      event: "E",
      messageId: "orig-and-ts",
      originalTimestamp: new Date(clientNow - 7_000).toISOString(),
      timestamp: new Date(clientNow - 999_000).toISOString(),
      sentAt: new Date(clientNow).toISOString(),
    });
    const both = row("orig-and-ts")!.message;
    expect(both.originalTimestamp).toBe(new Date(clientNow - 7_000).toISOString()); // not overwritten
    expect(Date.parse(both.receivedAt) - Date.parse(both.timestamp)).toBe(7_000);
    // Without sentAt, a timestamp set by hand is the event time (historical imports).
    await send("/v1/track", {
      userId: "u",
      event: "E",
      messageId: "ts-only",
      timestamp: "2020-01-01T00:00:00Z",
    });
    expect(row("ts-only")!.message).toMatchObject({
      originalTimestamp: "2020-01-01T00:00:00Z",
      timestamp: "2020-01-01T00:00:00.000Z",
    });
  });
});

describe("X-Forwarded-For", () => {
  it("is ignored by default and used with trustProxy", async () => {
    const headers = { "x-forwarded-for": "198.51.100.7, 10.0.0.1" };
    await post(
      h.url,
      "/v1/track",
      { userId: "u", event: "E", messageId: "xff-off", context: { direct: true } },
      { writeKey: h.source.writeKey, headers },
    );
    expect(row("xff-off")!.message.context.ip).toBe("127.0.0.1");
    const proxied = await setupIngest({ trustProxy: true });
    try {
      await post(
        proxied.url,
        "/v1/track",
        { userId: "u", event: "E", messageId: "xff-on", context: { direct: true } },
        { writeKey: proxied.source.writeKey, headers },
      );
      expect(archived(proxied.db, proxied.source.id)[0]!.message.context.ip).toBe("198.51.100.7");
    } finally {
      await proxied.close();
    }
  });
});

describe("deduplication", () => {
  it("acknowledges a repeated messageId without storing or publishing it again, and counts it", async () => {
    const events: TapEvent[] = [];
    const unsubscribe = tap.subscribe(h.source.id, (e) => events.push(e));
    const before = ingestStats().bySource[h.source.id]?.duplicates ?? 0;
    const msg = { userId: "u", event: "Once", messageId: "dedup-1" };
    const first = await post(h.url, "/v1/track", msg, { writeKey: h.source.writeKey });
    const second = await post(h.url, "/v1/track", msg, { writeKey: h.source.writeKey });
    const inBatch = await post(
      h.url,
      "/v1/batch",
      { batch: [{ ...msg, type: "track" }] },
      { writeKey: h.source.writeKey },
    );
    unsubscribe();
    expect(first.json).toEqual({ success: true });
    expect(second.status).toBe(200);
    expect(second.json).toEqual({ success: true, duplicate: true });
    expect(inBatch.json).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(archived(h.db, h.source.id).filter((r) => r.messageId === "dedup-1")).toHaveLength(1);
    expect(events.filter((e) => e.message.messageId === "dedup-1")).toHaveLength(1);
    expect(ingestStats().bySource[h.source.id]!.duplicates - before).toBe(2);
  });

  it("deduplicates per workspace", async () => {
    const other = insertSource(h.db);
    const msg = { userId: "u", event: "E", messageId: "shared-id" };
    await post(h.url, "/v1/track", msg, { writeKey: h.source.writeKey });
    const reply = await post(h.url, "/v1/track", msg, { writeKey: other.writeKey });
    expect(reply.json).toEqual({ success: true });
    expect(archived(h.db, other.id)).toHaveLength(1);
  });

  it("deduplicates within one batch", async () => {
    const m = { type: "track", userId: "u", event: "E", messageId: "twice-in-batch" };
    const reply = await post(h.url, "/v1/batch", { batch: [m, m] }, { writeKey: h.source.writeKey });
    expect(reply.json).toMatchObject({ accepted: 1, duplicates: 1 });
  });
});

describe("tap", () => {
  it("publishes accepted and rejected messages after they are committed, with their seq", async () => {
    const events: TapEvent[] = [];
    const committedWhenSeen: boolean[] = [];
    const unsubscribe = tap.subscribe(h.source.id, (e) => {
      events.push(e);
      const stored = h.db.prepare(`SELECT "seq" FROM "Message" WHERE "seq" = ?`).get(e.seq);
      committedWhenSeen.push(stored !== undefined);
    });
    const batch = [
      { type: "track", userId: "u", event: "Tapped", messageId: "tap-1" },
      { type: "track", userId: "u" },
    ];
    await post(h.url, "/v1/batch", { batch }, { writeKey: h.source.writeKey });
    unsubscribe();
    expect(events.map((e) => e.status)).toEqual(["accepted", "rejected"]);
    expect(events[1]!.reason).toMatch(/event name/);
    expect(committedWhenSeen).toEqual([true, true]);
    expect(events[0]).toMatchObject({ sourceId: h.source.id, workspaceId: h.source.workspaceId });
    expect(events[0]!.seq).toBe(row("tap-1")!.seq);
    expect(events[1]!.seq).toBe(events[0]!.seq + 1);
    expect(events[0]!.message.event).toBe("Tapped");
  });

  it("keeps ingesting when a listener throws", async () => {
    const seen: number[] = [];
    const a = tap.subscribe(h.source.id, () => {
      throw new Error("broken listener");
    });
    const b = tap.subscribeWorkspace(h.source.workspaceId, (e) => seen.push(e.seq));
    const reply = await post(
      h.url,
      "/v1/track",
      { userId: "u", event: "E" },
      { writeKey: h.source.writeKey },
    );
    a();
    b();
    expect(reply.status).toBe(200);
    expect(seen).toHaveLength(1);
  });
});

describe("tap subscriber arriving during a commit", () => {
  it("still gets the messages, rebuilt from what was stored, rejected ones with their reason", async () => {
    // Nobody listens when the request is prepared, so the parsed objects are not kept; the
    // subscriber joins while the commit is held back.
    const lateTap = createTap();
    const slow = await setupIngest({ tap: lateTap, testCommitDelayMs: 300 });
    try {
      const events: TapEvent[] = [];
      const batch = [
        { type: "track", userId: "u", event: "Late Joiner", properties: { n: 1 }, messageId: "late-1" },
        { type: "track", userId: "u" },
      ];
      const reply = post(slow.url, "/v1/batch", { batch }, { writeKey: slow.source.writeKey });
      await new Promise((r) => setTimeout(r, 100));
      const off = lateTap.subscribe(slow.source.id, (e) => events.push(e));
      expect((await reply).status).toBe(200);
      off();
      expect(events.map((e) => e.status)).toEqual(["accepted", "rejected"]);
      expect(events[0]!.message).toMatchObject({
        event: "Late Joiner",
        properties: { n: 1 },
        messageId: "late-1",
      });
      expect(events[0]!.message.receivedAt).toEqual(expect.any(String));
      expect(events[1]!.reason).toMatch(/event name/);
    } finally {
      await slow.close();
    }
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After and X-RateLimit-Reset once a source exceeds its budget", async () => {
    const limited = await setupIngest({ rateLimitPerSecond: 5 });
    try {
      const send = () =>
        post(limited.url, "/v1/track", { userId: "u", event: "E" }, { writeKey: limited.source.writeKey });
      const started = Date.now();
      const replies = await Promise.all(Array.from({ length: 20 }, send));
      const elapsed = (Date.now() - started) / 1000;
      const refused = replies.filter((r) => r.status === 429);
      const accepted = replies.filter((r) => r.status === 200).length;
      // A full bucket of 5, plus what refills while the requests are in flight.
      expect(accepted).toBeGreaterThanOrEqual(5);
      expect(accepted).toBeLessThanOrEqual(5 + Math.ceil(elapsed * 5));
      expect(accepted + refused.length).toBe(20);
      const r = refused[0]!;
      expect(r.json.error.code).toBe("rate_limited");
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(
        Math.floor(Date.now() / 1000),
      );
      expect(r.headers.get("access-control-expose-headers")).toMatch(/Retry-After/);
      expect(ingestStats().bySource[limited.source.id]!.rateLimited).toBe(refused.length);
    } finally {
      await limited.close();
    }
  });
});

describe("ingestStats", () => {
  it("counts received, accepted, rejected and duplicates per source", async () => {
    const other = insertSource(h.db);
    const batch = [
      { type: "track", userId: "u", event: "E", messageId: "s-1" },
      { type: "track", userId: "u", event: "E", messageId: "s-1" },
      { type: "track", userId: "u" },
    ];
    await post(h.url, "/v1/batch", { batch }, { writeKey: other.writeKey });
    expect(ingestStats().bySource[other.id]).toMatchObject({
      received: 3,
      accepted: 1,
      duplicates: 1,
      rejected: 1,
    });
    expect(ingestStats().received).toBeGreaterThanOrEqual(3);
  });
});
