import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "@/lib/ingest/testing/client";
import { archived, type IngestHarness, setupIngest } from "@/lib/ingest/testing/fixtures";

// The tracking API's HTTP edges (issue 14, item 14): what malformed HTTP, slow clients and broken
// pixels get back. Requests are written byte for byte on raw sockets, because fetch refuses to
// send most of them.

let h: IngestHarness;
beforeAll(async () => {
  // Short timeouts so the slow-client cases finish quickly; the product's are in HTTP_TIMEOUTS.
  h = await setupIngest({}, { headersTimeoutMs: 300, requestTimeoutMs: 600, checkEveryMs: 50 });
});
afterAll(() => h.close());

interface RawReply {
  status: number;
  headers: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON answers
  json: any;
}

/** Writes `chunks` (then waits, if asked) and reads until the server closes the connection. */
function raw(chunks: (string | Buffer)[], opts: { keepOpen?: boolean } = {}): Promise<RawReply> {
  const { port } = new URL(h.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("data", (d) => received.push(d));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(received).toString("utf8");
      const [head = "", body = ""] = text.split("\r\n\r\n");
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {}
      resolve({ status: Number(head.split(" ")[1]), headers: head.toLowerCase(), json });
    });
    for (const c of chunks) socket.write(c);
    if (!opts.keepOpen) socket.end();
  });
}

const auth = () => `Authorization: Basic ${Buffer.from(`${h.source.writeKey}:`).toString("base64")}\r\n`;

describe("malformed HTTP gets a JSON answer", () => {
  it.each([
    ["a Content-Length that is not a number", "Content-Length: abc\r\n", /Malformed HTTP request/],
    [
      "Content-Length together with chunked encoding",
      "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
      /Malformed HTTP request/,
    ],
    ["a NUL in a header", "X-Bad: a\u0000b\r\n", /Malformed HTTP request/],
  ])("%s: 400 malformed_request", async (_name, header, message) => {
    const reply = await raw([`POST /v1/track HTTP/1.1\r\nHost: x\r\n${auth()}${header}\r\n{}`]);
    expect(reply.status).toBe(400);
    expect(reply.headers).toContain("content-type: application/json");
    expect(reply.json).toMatchObject({ success: false, error: { code: "malformed_request" } });
    expect(reply.json.error.message).toMatch(message);
  });

  it("20 KB of headers: 431 headers_too_large", async () => {
    const reply = await raw([`GET /v1/track HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`]);
    expect(reply.status).toBe(431);
    expect(reply.json.error).toEqual({ code: "headers_too_large", message: "Request headers exceed 16 KB" });
  });

  it("a request line that is not HTTP: 400 with JSON", async () => {
    const reply = await raw(["HELLO\r\n\r\n"]);
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("malformed_request");
  });
});

describe("slow clients are bounded", () => {
  it("headers sent, then nothing: 408 request_timeout, JSON, connection closed", async () => {
    const reply = await raw(
      [`POST /v1/track HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: 100\r\n\r\n{"us`],
      {
        keepOpen: true,
      },
    );
    expect(reply.status).toBe(408);
    expect(reply.json.error.code).toBe("request_timeout");
    expect(reply.json.error.message).toMatch(/not received in time/);
  });

  it("headers that never finish: 408 as well", async () => {
    const reply = await raw(["POST /v1/track HTTP/1.1\r\nHost: x\r\nX-Slow: "], { keepOpen: true });
    expect(reply.status).toBe(408);
    expect(reply.json.error.code).toBe("request_timeout");
  });
});

describe("pixel errors speak of pixels", () => {
  const pixel = (query: string) => request(`${h.url}/v1/pixel/track${query}`);

  it("undecodable data says so, not that the body is empty", async () => {
    const reply = await pixel("?data=%25%25%25");
    expect(reply.status).toBe(400);
    expect(reply.headers.get("content-type")).toBe("image/gif");
    expect(reply.headers.get("x-error")).toMatch(/^The pixel's data parameter is neither base64 nor JSON/);
    // base64 that decodes to bytes that are not JSON
    const notJson = await pixel(`?data=${Buffer.from("hello").toString("base64")}`);
    expect(notJson.headers.get("x-error")).toMatch(
      /^The pixel's data parameter, base64-decoded, is not JSON/,
    );
    const empty = await pixel("?data=%3D%3D");
    expect(empty.headers.get("x-error")).toMatch(/^The pixel's data parameter, base64-decoded, is empty/);
  });

  it("a missing key points at the data, not at Basic auth", async () => {
    const data = Buffer.from(JSON.stringify({ userId: "u", event: "Opened" })).toString("base64");
    const reply = await pixel(`?data=${data}`);
    expect(reply.status).toBe(401);
    expect(reply.headers.get("x-error")).toBe(
      'Missing write key: add "writeKey" to the JSON in the pixel\'s data',
    );
    expect(reply.headers.get("x-error")).not.toMatch(/Basic/);
  });

  it("a missing data parameter names the pixel URL", async () => {
    const reply = await pixel("");
    expect(reply.headers.get("x-error")).toBe("The pixel URL has no ?data=<base64-encoded JSON message>");
  });
});

describe("values JSON.parse would alter are refused, not stored altered", () => {
  const send = (text: string) =>
    request(`${h.url}/v1/track`, {
      method: "POST",
      body: text,
      headers: { authorization: `Basic ${Buffer.from(`${h.source.writeKey}:`).toString("base64")}` },
    });

  it.each([
    ['{"userId":"u","event":"E","properties":{"big":1e400}}', /properties\.big is a number beyond ±1\.8e308/],
    ['{"userId":"u","event":"E","properties":{"n":"a\\u0000b"}}', /properties\.n contains U\+0000/],
    [
      '{"userId":"u","event":"E","properties":{"s":["ok","\\ud800"]}}',
      /properties\.s\[1\] contains a lone UTF-16 surrogate/,
    ],
    [
      '{"userId":"u","event":"E","properties":{"\\udc00k":1}}',
      /a key in properties contains a lone UTF-16 surrogate/,
    ],
  ])("%s → 400 with the path, archived as rejected", async (text, reason) => {
    const reply = await send(text);
    expect(reply.status).toBe(400);
    expect(reply.json.error.message).toMatch(reason);
    const last = archived(h.db, h.source.id).at(-1)!;
    expect(last.status).toBe("rejected");
    expect(last.reason).toMatch(reason);
  });

  it("keeps well-formed escapes (an emoji as a surrogate pair, é) and stores them unchanged", async () => {
    const reply = await send(
      '{"userId":"u","event":"E","messageId":"esc-ok","properties":{"s":"\\ud83d\\ude00 \\u00e9"}}',
    );
    expect(reply.status).toBe(200);
    const row = archived(h.db, h.source.id).find((r) => r.messageId === "esc-ok")!;
    expect(row.message.properties.s).toBe("😀 é");
  });

  it("refuses a body that is not UTF-8 instead of storing U+FFFD", async () => {
    const body = Buffer.concat([
      Buffer.from('{"userId":"u","event":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const reply = await request(`${h.url}/v1/track`, {
      method: "POST",
      body,
      headers: { authorization: `Basic ${Buffer.from(`${h.source.writeKey}:`).toString("base64")}` },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toEqual({
      code: "invalid_body",
      message: "Request body is not valid UTF-8; send JSON encoded as UTF-8",
    });
  });
});
