import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event, sandbox } from "@/lib/functions/sandbox/testing";

// The sandbox as a function's author meets it: Segment's handlers and error classes, the request
// object of source functions, fetch and console capture. Limits and isolation:
// sandbox-limits.test.ts.

let server: http.Server;
let base = "";
const received: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const status = req.url?.startsWith("/status/") ? Number(req.url.slice(8)) : 200;
      res.writeHead(status, { "content-type": "application/json", "x-echo": "yes" });
      res.end(JSON.stringify({ ok: status < 300, got: body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("destination functions", () => {
  it.each([
    ["track", "onTrack"],
    ["identify", "onIdentify"],
    ["page", "onPage"],
    ["screen", "onScreen"],
    ["group", "onGroup"],
    ["alias", "onAlias"],
  ])("calls %s events with %s(event, settings)", async (type, handler) => {
    const sb = sandbox(
      "destination",
      `async function ${handler}(event, settings) { console.log(event.type, settings.apiKey) }`,
    );
    const r = await sb.invoke("event", event(type), JSON.stringify({ apiKey: "k-1" }));
    expect(r.outcome).toBe("ok");
    expect(r.logs).toEqual([{ level: "log", message: `${type} k-1` }]);
  });

  it("answers EventNotSupported for a call type without a handler", async () => {
    const r = await sandbox("destination", "async function onTrack() {}").invoke(
      "event",
      event("page"),
      "{}",
    );
    expect(r).toMatchObject({ outcome: "unsupported", name: "EventNotSupported" });
    expect(r.message).toContain("onPage");
  });

  it.each([
    ["RetryError", "retry"],
    ["ValidationError", "rejected"],
    ["InvalidEventPayload", "rejected"],
    ["EventNotSupported", "unsupported"],
    ["DropEvent", "drop"],
    ["Error", "error"],
    ["TypeError", "error"],
  ])("classifies a thrown %s as %s, keeping its message", async (cls, outcome) => {
    const sb = sandbox("destination", `async function onTrack() { throw new ${cls}("because " + 42) }`);
    const r = await sb.invoke("event", event("track"), "{}");
    expect(r).toMatchObject({ outcome, name: cls, message: "because 42" });
  });

  it("passes onBatch the events and its answer back", async () => {
    const sb = sandbox(
      "destination",
      "async function onBatch(events) { return events.map((e) => ({ status: e.userId ? 200 : 400 })) }",
    );
    const r = await sb.invoke(
      "batch",
      JSON.stringify([{ type: "track", userId: "a" }, { type: "track" }]),
      "{}",
    );
    expect(r.outcome).toBe("ok");
    expect(JSON.parse(r.output!)).toEqual([{ status: 200 }, { status: 400 }]);
  });

  it("fetches through the host and records each call", async () => {
    const sb = sandbox(
      "destination",
      `async function onTrack(event, settings) {
        const res = await fetch(settings.url + "/hook?x=1", {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: "Bearer " + settings.token },
          body: JSON.stringify({ name: event.event }),
        });
        const body = await res.json();
        console.log(res.status, res.ok, res.headers.get("X-Echo"), body.got);
        if (!res.ok) throw new RetryError("HTTP " + res.status);
      }`,
    );
    received.length = 0;
    const r = await sb.invoke("event", event("track"), JSON.stringify({ url: base, token: "t0k" }));
    expect(r.outcome).toBe("ok");
    expect(r.logs[0]?.message).toBe('200 true yes {"name":"Order Completed"}');
    expect(received[0]).toMatchObject({
      method: "POST",
      url: "/hook?x=1",
      body: '{"name":"Order Completed"}',
    });
    expect(received[0]?.headers.authorization).toBe("Bearer t0k");
    expect(r.fetches).toHaveLength(1);
    expect(r.fetches[0]).toMatchObject({ method: "POST", url: `${base}/hook?x=1`, status: 200 });
  });

  it("reports an uncaught network failure as a network outcome (retried by delivery)", async () => {
    const sb = sandbox(
      "destination",
      "async function onTrack() { await fetch('http://127.0.0.1:1/nothing') }",
    );
    const r = await sb.invoke("event", event("track"), "{}");
    expect(r).toMatchObject({ outcome: "network", name: "FetchError", networkType: "connection" });
  });

  it("sends fetch through the SSRF guard: private addresses are refused unless allowed", async () => {
    const sb = sandbox("destination", `async function onTrack() { await fetch("${base}/x") }`, {}, false);
    const r = await sb.invoke("event", event("track"), "{}");
    expect(r).toMatchObject({ outcome: "network", networkType: "blocked_address" });
    expect(r.message).toContain("loopback");
  });

  it("stops at the fetch limit", async () => {
    const sb = sandbox(
      "destination",
      `async function onTrack(e, s) { for (let i = 0; i < 5; i++) await fetch(s.url + "/n" + i) }`,
      { fetchCalls: 2 },
    );
    const r = await sb.invoke("event", event("track"), JSON.stringify({ url: base }));
    expect(r).toMatchObject({ outcome: "error", name: "TypeError" });
    expect(r.message).toContain("fetch limit of 2 calls");
    expect(r.fetches).toHaveLength(2);
  });
});

describe("insert functions", () => {
  it("returns the changed event", async () => {
    const sb = sandbox(
      "insert",
      "async function onTrack(event) { delete event.properties.total; event.event = 'Renamed'; return event }",
    );
    const r = await sb.invoke("event", event("track"), "{}");
    expect(r.outcome).toBe("ok");
    expect(JSON.parse(r.output!)).toMatchObject({ event: "Renamed", properties: {} });
  });

  it("drops the event on DropEvent or when the handler returns nothing", async () => {
    const sb = sandbox(
      "insert",
      "async function onTrack() { throw new DropEvent('not this one') }\nasync function onIdentify() {}",
    );
    expect(await sb.invoke("event", event("track"), "{}")).toMatchObject({
      outcome: "drop",
      message: "not this one",
    });
    expect(await sb.invoke("event", event("identify"), "{}")).toMatchObject({
      outcome: "drop",
      message: "The handler returned no event",
    });
  });
});

describe("source functions", () => {
  const request = (body: unknown, url = "https://cdp.example/v1/functions/tok?account=acme") =>
    JSON.stringify({
      method: "POST",
      url,
      headers: [
        ["content-type", "application/json"],
        ["stripe-signature", "t=1,v1=abc"],
      ],
      body: JSON.stringify(body),
    });

  it("gives onRequest the body, headers and URL and collects the Segment calls", async () => {
    const sb = sandbox(
      "source",
      `async function onRequest(request, settings) {
        const body = request.json();
        Segment.identify({ userId: body.customer, traits: { plan: body.plan } });
        Segment.track({
          userId: body.customer,
          event: "Invoice Paid",
          properties: { account: request.url.searchParams.get("account"), sig: request.headers.get("Stripe-Signature"), env: settings.env },
        });
        Segment.set({ collection: "x", id: "1", properties: {} });
      }`,
    );
    const r = await sb.invoke(
      "request",
      request({ customer: "cus_1", plan: "pro" }),
      JSON.stringify({ env: "prod" }),
    );
    expect(r.outcome).toBe("ok");
    expect(r.emitted.map((m) => JSON.parse(m))).toEqual([
      { userId: "cus_1", traits: { plan: "pro" }, type: "identify" },
      {
        userId: "cus_1",
        event: "Invoice Paid",
        properties: { account: "acme", sig: "t=1,v1=abc", env: "prod" },
        type: "track",
      },
    ]);
    expect(r.logs[0]).toMatchObject({ level: "warn" });
  });

  it("emits nothing when onRequest throws", async () => {
    const sb = sandbox(
      "source",
      "async function onRequest() { Segment.track({ event: 'A', userId: 'u' }); throw new ValidationError('bad signature') }",
    );
    const r = await sb.invoke("request", request({}), "{}");
    expect(r).toMatchObject({ outcome: "rejected", message: "bad signature", emitted: [] });
  });

  it("has no Segment object outside source functions", async () => {
    const sb = sandbox("destination", "async function onTrack() { console.log(typeof Segment) }");
    expect((await sb.invoke("event", event("track"), "{}")).logs[0]?.message).toBe("undefined");
  });
});

describe("runtime helpers", () => {
  it("computes HMACs and hashes like Node, and base64", async () => {
    const sb = sandbox(
      "destination",
      `async function onTrack(event, settings) {
        const body = JSON.stringify(event);
        console.log(crypto.createHmac("sha256", settings.secret).update(body).digest("hex"));
        console.log(crypto.createHash("sha1").update("abc").digest("base64"));
        console.log(btoa("user:pass"), atob("dXNlcjpwYXNz"), Buffer.from("user:").toString("base64"));
      }`,
    );
    const payload = event("track");
    const r = await sb.invoke("event", payload, JSON.stringify({ secret: "s3cret" }));
    const body = JSON.stringify(JSON.parse(payload));
    expect(r.logs.map((l) => l.message)).toEqual([
      createHmac("sha256", "s3cret").update(body).digest("hex"),
      "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=",
      "dXNlcjpwYXNz user:pass dXNlcjo=",
    ]);
  });

  it("bounds the captured log lines", async () => {
    const sb = sandbox(
      "destination",
      "async function onTrack() { for (let i = 0; i < 50; i++) console.log('line', i) }",
      {
        logLines: 10,
      },
    );
    const r = await sb.invoke("event", event("track"), "{}");
    expect(r.logs).toHaveLength(11);
    expect(r.logs[10]?.message).toBe("[40 more log lines dropped]");
  });
});
