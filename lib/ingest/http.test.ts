import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIXEL_GIF } from "@/lib/ingest/pixel";
import { post, request } from "@/lib/ingest/testing/client";
import {
  archived,
  basicAuth,
  type IngestHarness,
  insertSource,
  setupIngest,
} from "@/lib/ingest/testing/fixtures";
import { invalidateWriteKeyCache } from "@/lib/ingest/writekeys";

let h: IngestHarness;
beforeAll(async () => {
  h = await setupIngest();
});
afterAll(() => h.close());

const base = { userId: "u1", anonymousId: "a1" };
const SINGLE_CALLS: [string, string, Record<string, unknown>][] = [
  ["/v1/identify", "identify", { traits: { plan: "pro" } }],
  ["/v1/track", "track", { event: "Signed Up", properties: { plan: "pro" } }],
  ["/v1/page", "page", { name: "Home", properties: { path: "/" } }],
  ["/v1/screen", "screen", { name: "Dashboard" }],
  ["/v1/group", "group", { groupId: "g1", traits: { name: "Acme" } }],
  ["/v1/alias", "alias", { previousId: "old-id" }],
  ["/v1/i", "identify", {}],
  ["/v1/t", "track", { event: "Clicked" }],
  ["/v1/p", "page", {}],
  ["/v1/s", "screen", {}],
  ["/v1/g", "group", { groupId: "g2" }],
  ["/v1/a", "alias", { previousId: "p2" }],
];

describe("single-message endpoints", () => {
  it.each(SINGLE_CALLS)("POST %s stores a %s message", async (path, type, extra) => {
    const messageId = `m-${path}-${Date.now()}`;
    const reply = await post(h.url, path, { ...base, ...extra, messageId }, { writeKey: h.source.writeKey });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ success: true });
    expect(reply.headers.get("access-control-allow-origin")).toBe("*");
    const row = archived(h.db, h.source.id).find((r) => r.messageId === messageId);
    expect(row).toMatchObject({ type, status: "accepted", reason: null, workspaceId: h.source.workspaceId });
    expect(row!.message.type).toBe(type);
  });

  it("takes the type from the endpoint, not the body", async () => {
    const reply = await post(
      h.url,
      "/v1/track",
      { ...base, type: "identify", event: "E", messageId: "typed-1" },
      { writeKey: h.source.writeKey },
    );
    expect(reply.status).toBe(200);
    expect(archived(h.db, h.source.id).find((r) => r.messageId === "typed-1")!.type).toBe("track");
  });
});

describe("batch endpoints", () => {
  it.each(["/v1/batch", "/v1/import", "/v1/b"])("POST %s stores every message in order", async (path) => {
    const batch = SINGLE_CALLS.slice(0, 6).map(([, type, extra], i) => ({
      ...base,
      ...extra,
      type,
      messageId: `${path}-${i}`,
    }));
    const reply = await post(h.url, path, { batch }, { writeKey: h.source.writeKey });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ success: true, accepted: 6, duplicates: 0, rejected: [] });
    const rows = archived(h.db, h.source.id).filter((r) => String(r.messageId).startsWith(`${path}-`));
    expect(rows.map((r) => r.type)).toEqual(["identify", "track", "page", "screen", "group", "alias"]);
    expect(rows.map((r) => r.seq)).toEqual([...rows.map((r) => r.seq)].sort((a, b) => Number(a) - Number(b)));
  });

  it("accepts an empty batch", async () => {
    const reply = await post(h.url, "/v1/batch", { batch: [] }, { writeKey: h.source.writeKey });
    expect(reply.json).toEqual({ success: true, accepted: 0, duplicates: 0, rejected: [] });
  });

  it("rejects a batch that is not an array", async () => {
    const reply = await post(
      h.url,
      "/v1/batch",
      { batch: { type: "track" } },
      { writeKey: h.source.writeKey },
    );
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("invalid_batch");
  });
});

describe("write keys", () => {
  const track = { ...base, event: "E" };

  it("accepts the key as the Basic auth username", async () => {
    expect((await post(h.url, "/v1/track", track, { writeKey: h.source.writeKey })).status).toBe(200);
  });

  it("accepts the key as writeKey in the body, and strips it before storing", async () => {
    const reply = await post(h.url, "/v1/track", {
      ...track,
      writeKey: h.source.writeKey,
      messageId: "body-key",
    });
    expect(reply.status).toBe(200);
    const row = archived(h.db, h.source.id).find((r) => r.messageId === "body-key")!;
    expect(row.message.writeKey).toBeUndefined();
    expect(row.payload).not.toContain(h.source.writeKey);
  });

  it("answers 401 without a key and with an unknown key", async () => {
    const missing = await post(h.url, "/v1/track", track);
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ success: false, error: { code: "missing_write_key" } });
    expect(missing.json.error.message).toMatch(/Basic/);
    const unknown = await post(h.url, "/v1/track", track, { writeKey: "nope" });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error.code).toBe("invalid_write_key");
  });

  it("answers 403 for a disabled source, and notices a change through invalidateWriteKeyCache()", async () => {
    const other = insertSource(h.db);
    expect((await post(h.url, "/v1/track", track, { writeKey: other.writeKey })).status).toBe(200);
    h.db.prepare(`UPDATE "Source" SET "enabled" = 0 WHERE "id" = ?`).run(other.id);
    invalidateWriteKeyCache();
    const disabled = await post(h.url, "/v1/track", track, { writeKey: other.writeKey });
    expect(disabled.status).toBe(403);
    expect(disabled.json.error).toMatchObject({ code: "source_disabled" });
    expect(disabled.json.error.message).toMatch(/disabled/);
  });

  it("notices a regenerated key within a second even without invalidation", async () => {
    const other = insertSource(h.db);
    expect((await post(h.url, "/v1/track", track, { writeKey: other.writeKey })).status).toBe(200);
    h.db.prepare(`UPDATE "Source" SET "writeKeyHash" = 'rotated' WHERE "id" = ?`).run(other.id);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await post(h.url, "/v1/track", track, { writeKey: other.writeKey })).status).toBe(401);
  });
});

describe("browsers and analytics.js", () => {
  it("answers CORS preflight for Authorization and Content-Type", async () => {
    const reply = await request(`${h.url}/v1/t`, {
      method: "OPTIONS",
      headers: {
        origin: "https://shop.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(reply.status).toBe(204);
    expect(reply.headers.get("access-control-allow-origin")).toBe("*");
    expect(reply.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    expect(reply.headers.get("access-control-allow-headers")).toMatch(/Content-Type/);
    expect(reply.headers.get("access-control-allow-methods")).toMatch(/POST/);
    expect(Number(reply.headers.get("access-control-max-age"))).toBeGreaterThan(0);
  });

  it("accepts text/plain bodies with the key in both places, as analytics.js sends them", async () => {
    const body = JSON.stringify({
      ...base,
      event: "Viewed",
      type: "track",
      writeKey: h.source.writeKey,
      sentAt: new Date().toISOString(),
      messageId: "ajs-next-1",
    });
    const reply = await post(h.url, "/v1/t", body, {
      writeKey: h.source.writeKey,
      headers: { "content-type": "text/plain" },
    });
    expect(reply.status).toBe(200);
    expect(archived(h.db, h.source.id).some((r) => r.messageId === "ajs-next-1")).toBe(true);
  });

  it("serves the settings document pointing analytics.js at this server", async () => {
    const reply = await request(`${h.url}/v1/projects/${h.source.writeKey}/settings`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("access-control-allow-origin")).toBe("*");
    expect(reply.json.integrations["Segment.io"]).toMatchObject({
      apiKey: h.source.writeKey,
      apiHost: "localhost:3000/v1",
      protocol: "http",
    });
    expect(Object.keys(reply.json.integrations)).toEqual(["Segment.io"]);
    expect(reply.json.metrics.sampleRate).toBe(0);
  });

  it("answers 404 for the settings of an unknown key", async () => {
    const reply = await request(`${h.url}/v1/projects/unknown/settings`);
    expect(reply.status).toBe(404);
    expect(reply.headers.get("access-control-allow-origin")).toBe("*");
    expect(reply.json.error.code).toBe("invalid_write_key");
  });
});

describe("a write key that cannot be looked up (the database does not answer)", () => {
  it("answers 503 unavailable, stores nothing, and the settings document says the same", async () => {
    // PostgreSQL's resolver answers with a promise; here it fails as a lost connection would.
    const down = await setupIngest({
      resolver: { resolve: () => Promise.reject(new Error("Connection terminated unexpectedly")) },
    });
    try {
      const unavailable = {
        code: "unavailable",
        message: "Could not look up the write key; retry later",
      };
      const track = await post(down.url, "/v1/track", { userId: "u", event: "E" }, { writeKey: "wk_any" });
      expect(track.status).toBe(503);
      expect(track.json.error).toEqual(unavailable);
      const batch = await post(
        down.url,
        "/v1/batch",
        { batch: [{ type: "track", userId: "u", event: "E" }] },
        { writeKey: "wk_any" },
      );
      expect(batch.status).toBe(503);
      const settings = await request(`${down.url}/v1/projects/wk_any/settings`);
      expect(settings.status).toBe(503);
      expect(settings.json.error).toEqual(unavailable);
      expect(archived(down.db, down.source.id)).toEqual([]);
    } finally {
      await down.close();
    }
  });
});

describe("pixel API", () => {
  const pixel = (type: string, message: unknown) =>
    fetch(
      `${h.url}/v1/pixel/${type}?data=${encodeURIComponent(Buffer.from(JSON.stringify(message)).toString("base64"))}`,
    );

  it.each(["track", "page"])("GET /v1/pixel/%s stores the message and answers a 1x1 GIF", async (type) => {
    const res = await pixel(type, {
      writeKey: h.source.writeKey,
      userId: "u1",
      event: "Email Opened",
      name: "Newsletter",
      messageId: `px-${type}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/gif");
    expect(Buffer.from(await res.arrayBuffer()).equals(PIXEL_GIF)).toBe(true);
    expect(archived(h.db, h.source.id).find((r) => r.messageId === `px-${type}`)).toMatchObject({
      type,
      status: "accepted",
    });
  });

  it("still answers a GIF on errors, with the status and an X-Error header", async () => {
    const invalid = await pixel("track", { writeKey: h.source.writeKey, userId: "u1" });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("content-type")).toBe("image/gif");
    expect(invalid.headers.get("x-error")).toMatch(/event/);
    const unknown = await pixel("track", { writeKey: "nope", userId: "u1", event: "E" });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("x-error-code")).toBe("invalid_write_key");
    const head = await fetch(`${h.url}/v1/pixel/track?data=e30`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("image/gif");
    const garbage = await fetch(`${h.url}/v1/pixel/track?data=%%%`);
    expect(garbage.status).toBe(400);
    expect(Buffer.from(await garbage.arrayBuffer()).equals(PIXEL_GIF)).toBe(true);
  });
});

describe("routing", () => {
  it("claims /v1 and nothing else", () => {
    const { ingest } = h.srv;
    expect(ingest.matches("/v1/track")).toBe(true);
    expect(ingest.matches("/v1/projects/x/settings?x=1")).toBe(true);
    expect(ingest.matches("/v1")).toBe(true);
    expect(ingest.matches("/v10/x")).toBe(false);
    expect(ingest.matches("/api/sources")).toBe(false);
    expect(ingest.matches(undefined)).toBe(false);
  });

  it("answers JSON 404 and 405", async () => {
    const missing = await post(h.url, "/v1/nope", {}, { writeKey: h.source.writeKey });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ success: false, error: { code: "not_found" } });
    const wrong = await request(`${h.url}/v1/track`, {
      headers: { authorization: basicAuth(h.source.writeKey) },
    });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toMatch(/POST/);
    expect(wrong.json.error.code).toBe("method_not_allowed");
  });
});
