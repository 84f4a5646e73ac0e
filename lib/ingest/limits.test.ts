import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BATCH_BYTES, MAX_BATCH_MESSAGES, MAX_MESSAGE_BYTES } from "@/lib/ingest/limits";
import { post } from "@/lib/ingest/testing/client";
import { archived, type IngestHarness, setupIngest } from "@/lib/ingest/testing/fixtures";

let h: IngestHarness;
beforeAll(async () => {
  h = await setupIngest();
});
afterAll(() => h.close());

const track = (extra: Record<string, unknown> = {}) => ({
  type: "track",
  userId: "u1",
  event: "E",
  ...extra,
});
const padded = (bytes: number) => track({ properties: { pad: "x".repeat(bytes) } });

describe("size limits", () => {
  it("rejects a single call over 32 KB, naming the limit", async () => {
    const reply = await post(h.url, "/v1/track", padded(MAX_MESSAGE_BYTES), { writeKey: h.source.writeKey });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ success: false, error: { code: "message_too_large" } });
    expect(reply.json.error.message).toContain("32 KB limit per message");
  });

  it("accepts a single call just under 32 KB", async () => {
    const reply = await post(h.url, "/v1/track", padded(MAX_MESSAGE_BYTES - 200), {
      writeKey: h.source.writeKey,
    });
    expect(reply.status).toBe(200);
  });

  it("rejects a batch request over 500 KB, naming the limit", async () => {
    const batch = Array.from({ length: 20 }, () => padded(30 * 1024));
    const reply = await post(h.url, "/v1/batch", { batch }, { writeKey: h.source.writeKey });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("batch_too_large");
    expect(reply.json.error.message).toContain("500 KB limit per batch request");
  });

  it("rejects more than 2,500 messages per batch, naming the limit", async () => {
    const batch = Array.from({ length: MAX_BATCH_MESSAGES + 1 }, () => ({
      type: "track",
      userId: "u",
      event: "E",
    }));
    const reply = await post(h.url, "/v1/batch", { batch }, { writeKey: h.source.writeKey });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("too_many_messages");
    expect(reply.json.error.message).toContain("2500 messages per batch");
  });

  it("accepts exactly 2,500 messages", async () => {
    const batch = Array.from({ length: MAX_BATCH_MESSAGES }, (_, i) => ({
      type: "track",
      userId: "u",
      event: "E",
      messageId: `max-${i}`,
    }));
    const reply = await post(h.url, "/v1/batch", { batch }, { writeKey: h.source.writeKey });
    expect(reply.status).toBe(200);
    expect(reply.json.accepted).toBe(MAX_BATCH_MESSAGES);
  });

  it("rejects (and archives) a batch item over 32 KB while accepting the others", async () => {
    const batch = [
      track({ messageId: "small-1" }),
      padded(MAX_MESSAGE_BYTES + 10),
      track({ messageId: "small-2" }),
    ];
    const reply = await post(h.url, "/v1/batch", { batch }, { writeKey: h.source.writeKey });
    expect(reply.status).toBe(200);
    expect(reply.json.accepted).toBe(2);
    expect(reply.json.rejected).toHaveLength(1);
    expect(reply.json.rejected[0].index).toBe(1);
    expect(reply.json.rejected[0].reason).toContain("32 KB");
    const rejected = archived(h.db, h.source.id).filter((r) => r.status === "rejected");
    expect(rejected.at(-1)!.reason).toContain("32 KB");
  });
});

describe("compressed bodies", () => {
  it("accepts gzip-encoded bodies", async () => {
    const body = zlib.gzipSync(JSON.stringify(track({ messageId: "gz-1" })));
    const reply = await post(h.url, "/v1/track", body, {
      writeKey: h.source.writeKey,
      headers: { "content-encoding": "gzip" },
    });
    expect(reply.status).toBe(200);
    expect(archived(h.db, h.source.id).some((r) => r.messageId === "gz-1")).toBe(true);
  });

  it("accepts a gzip batch", async () => {
    const batch = Array.from({ length: 50 }, (_, i) => track({ messageId: `gzb-${i}` }));
    const body = zlib.gzipSync(JSON.stringify({ batch }));
    const reply = await post(h.url, "/v1/batch", body, {
      writeKey: h.source.writeKey,
      headers: { "content-encoding": "gzip" },
    });
    expect(reply.json).toMatchObject({ success: true, accepted: 50 });
  });

  it("enforces the limit after decompression (zip bomb)", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, " "));
    expect(bomb.length).toBeLessThan(MAX_BATCH_BYTES);
    const reply = await post(h.url, "/v1/batch", bomb, {
      writeKey: h.source.writeKey,
      headers: { "content-encoding": "gzip" },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("batch_too_large");
    expect(reply.json.error.message).toMatch(/Decompressed.*500 KB/);
  });

  it("rejects corrupt gzip and unknown encodings", async () => {
    const corrupt = await post(h.url, "/v1/track", "not gzip", {
      writeKey: h.source.writeKey,
      headers: { "content-encoding": "gzip" },
    });
    expect(corrupt.status).toBe(400);
    expect(corrupt.json.error.code).toBe("invalid_body");
    const br = await post(h.url, "/v1/track", "{}", {
      writeKey: h.source.writeKey,
      headers: { "content-encoding": "br" },
    });
    expect(br.status).toBe(415);
    expect(br.json.error.code).toBe("unsupported_encoding");
  });
});

describe("malformed bodies", () => {
  it("says where the JSON is invalid", async () => {
    const reply = await post(h.url, "/v1/track", '{"userId":"u1","event":"E",}', {
      writeKey: h.source.writeKey,
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("invalid_json");
    expect(reply.json.error.message).toContain("position 27");
    expect(reply.json.error.message).toContain("line 1, column 28");
  });

  it("reports the line and column on multi-line bodies", async () => {
    const reply = await post(h.url, "/v1/batch", '{\n  "batch": [\n    {"type": tru}\n  ]\n}', {
      writeKey: h.source.writeKey,
    });
    expect(reply.json.error.message).toMatch(/line 3, column 14/);
  });

  it.each([
    ["", "empty"],
    ["[1,2]", "not an array"],
    ["42", "not a number"],
    ["null", "not null"],
  ])("rejects body %j (%s)", async (body) => {
    const reply = await post(h.url, "/v1/track", body, { writeKey: h.source.writeKey });
    expect(reply.status).toBe(400);
    expect(reply.json.success).toBe(false);
    expect(reply.json.error.message.length).toBeGreaterThan(10);
  });
});
