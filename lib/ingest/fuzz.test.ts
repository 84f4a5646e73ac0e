import zlib from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { basicAuth, type IngestHarness, setupIngest } from "@/lib/ingest/testing/fixtures";

// Random bodies, bytes, headers and paths against the real server: never a 5xx, every error a
// JSON {success:false,error:{code,message}} (or a GIF for pixels), and the process keeps serving.

let h: IngestHarness;
const internalErrors: unknown[][] = [];
beforeAll(async () => {
  h = await setupIngest({ rateLimitPerSecond: 0 });
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    internalErrors.push(args);
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await h.close();
});

const FIELDS = [
  "type",
  "userId",
  "anonymousId",
  "event",
  "messageId",
  "timestamp",
  "sentAt",
  "originalTimestamp",
  "properties",
  "traits",
  "context",
  "integrations",
  "groupId",
  "previousId",
  "name",
  "category",
  "writeKey",
  "batch",
];
const TYPES = ["track", "identify", "page", "screen", "group", "alias", "nope", ""];

const segmentish = fc.dictionary(
  fc.constantFrom(...FIELDS),
  fc.oneof(
    fc.constantFrom(...TYPES),
    fc.string(),
    fc.constantFrom("2024-05-01T12:00:00Z", "9999-12-31T23:59:59Z", "0000-01-01", "2024-13-45T99:99"),
    fc.anything(),
  ),
);
// Valid messages with random extra fields: exercises enrichment and storage, not only rejection.
const nearlyValid = fc
  .tuple(fc.constantFrom(...TYPES.slice(0, 6)), segmentish)
  .map(([type, extra]) => ({ ...extra, type, userId: "u", event: "E", groupId: "g", previousId: "p" }));
const body = fc.oneof(
  { arbitrary: nearlyValid.map((m) => Buffer.from(JSON.stringify(m))), weight: 4 },
  {
    arbitrary: fc
      .array(nearlyValid, { maxLength: 10 })
      .map((batch) => Buffer.from(JSON.stringify({ batch }))),
    weight: 4,
  },
  fc.json().map((s) => Buffer.from(s)),
  segmentish.map((m) => Buffer.from(JSON.stringify(m))),
  fc
    .array(segmentish, { maxLength: 20 })
    .map((batch) => Buffer.from(JSON.stringify({ batch, sentAt: "2024-01-01T00:00:00Z" }))),
  fc.string().map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
  fc.json().map((s) => zlib.gzipSync(s)),
);
const PATHS = [
  "/v1/track",
  "/v1/t",
  "/v1/identify",
  "/v1/page",
  "/v1/screen",
  "/v1/group",
  "/v1/alias",
  "/v1/batch",
  "/v1/import",
  "/v1/b",
  "/v1/pixel/track",
  "/v1/projects/x/settings",
  "/v1/nope",
  "/v1/",
  "/v1/track/",
];
const safeHeader = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);

const requestArb = fc.record({
  method: fc.constantFrom("POST", "POST", "POST", "POST", "POST", "POST", "GET", "OPTIONS", "PUT", "DELETE"),
  path: fc.oneof(
    { arbitrary: fc.constantFrom(...PATHS), weight: 6 },
    // "." and ".." are dot-segments: the client resolves them away, so the request never hits /v1.
    safeHeader.filter((s) => s !== "." && s !== "..").map((s) => `/v1/${encodeURIComponent(s)}`),
  ),
  query: fc.option(
    fc.oneof(
      safeHeader.map((s) => `data=${encodeURIComponent(s)}`),
      fc.json().map((j) => `data=${Buffer.from(j).toString("base64")}`),
    ),
  ),
  auth: fc.oneof({ arbitrary: fc.constant("valid"), weight: 4 }, fc.constant("none"), safeHeader),
  contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", ""),
  encoding: fc.constantFrom(
    undefined,
    undefined,
    undefined,
    undefined,
    "gzip",
    "identity",
    "deflate",
    "br",
    "GZIP",
  ),
  body,
});

describe("fuzz", () => {
  it("never answers 5xx and always explains errors", async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers["content-type"] = r.contentType;
        if (r.encoding) headers["content-encoding"] = r.encoding;
        if (r.auth === "valid") headers.authorization = basicAuth(h.source.writeKey);
        else if (r.auth !== "none") headers.authorization = r.auth;
        const hasBody = r.method === "POST" || r.method === "PUT";
        const res = await fetch(`${h.url}${r.path}${r.query ? `?${r.query}` : ""}`, {
          method: r.method,
          headers,
          body: hasBody ? new Uint8Array(r.body) : undefined,
        });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        if (res.headers.get("content-type") === "image/gif") {
          if (res.status >= 400) expect(res.headers.get("x-error")?.length).toBeGreaterThan(0);
          return;
        }
        if (res.status === 204) return;
        const json = JSON.parse(text);
        if (res.status >= 400) {
          expect(json.success).toBe(false);
          expect(typeof json.error.code).toBe("string");
          expect(json.error.message.length).toBeGreaterThan(5);
        } else {
          expect(json.success ?? json.integrations).toBeTruthy();
        }
      }),
      { numRuns: 400 },
    );
    expect(internalErrors).toEqual([]);
    // The generators reach both the happy path and the error paths.
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(401)).toBeGreaterThan(0);
  });

  it("still serves normally afterwards", async () => {
    const res = await fetch(`${h.url}/v1/track`, {
      method: "POST",
      headers: { authorization: basicAuth(h.source.writeKey) },
      body: JSON.stringify({ userId: "u", event: "After fuzz" }),
    });
    expect(res.status).toBe(200);
  });
});
