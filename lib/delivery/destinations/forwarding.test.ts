import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { algoliaInsightsMapping } from "@/lib/delivery/destinations/algolia-insights";
import { clickhouseMapping } from "@/lib/delivery/destinations/clickhouse";
import { httpTrackingApiMapping } from "@/lib/delivery/destinations/http-tracking-api";
import { metaConversionsApiMapping } from "@/lib/delivery/destinations/meta-conversions-api";
import { AT_MS, body, msg, ok, req } from "@/lib/delivery/destinations/testing";
import { sha256Hex } from "@/lib/delivery/destinations/util";
import { webhookMapping } from "@/lib/delivery/destinations/webhook";

describe("Webhook", () => {
  const settings = {
    url: "https://hooks.example.com/in",
    headers: [{ key: "X-Team", value: "growth" }],
    signingSecret: "whsec_1",
  };

  it("posts the message with custom headers, idempotency key and both signatures", () => {
    const m = msg("track", { event: "A" });
    const r = req(webhookMapping.build(m, settings));
    expect(r).toMatchObject({ method: "POST", url: "https://hooks.example.com/in" });
    expect(JSON.parse(r.body)).toEqual(m);
    expect(r.headers["x-team"]).toBe("growth");
    expect(r.headers["idempotency-key"]).toBe(m.messageId);
    expect(r.headers["x-signature"]).toBe(createHmac("sha1", "whsec_1").update(r.body).digest("hex"));
    expect(r.headers["x-signature-256"]).toBe(
      `sha256=${createHmac("sha256", "whsec_1").update(r.body).digest("hex")}`,
    );
  });

  it("batches when asked", () => {
    expect(webhookMapping.batching!(settings)).toBeNull();
    expect(
      webhookMapping.batching!({ ...settings, batching: true, batchSize: 50, batchWindowSeconds: 2 }),
    ).toEqual({ size: 50, windowMs: 2000 });
    const r = webhookMapping.buildBatch!([msg("track"), msg("identify")], settings);
    expect(JSON.parse(r.body).batch).toHaveLength(2);
    expect(r.headers["x-signature-256"]).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});

describe("Segment-compatible HTTP Tracking API", () => {
  it("forwards to /v1/batch with the write key as Basic user", () => {
    const r = httpTrackingApiMapping.build(msg("track", { event: "A", writeKey: "leaked" }), {
      baseUrl: "https://cdp.example.org",
      writeKey: "wk_9",
    });
    expect(req(r)).toMatchObject({ method: "POST", url: "https://cdp.example.org/v1/batch" });
    expect(req(r).headers.authorization).toBe(`Basic ${Buffer.from("wk_9:").toString("base64")}`);
    const sent = body(r);
    expect(sent.batch[0]).toMatchObject({ type: "track", event: "A", messageId: msg("track").messageId });
    expect(sent.batch[0].writeKey).toBeUndefined();
    expect(
      httpTrackingApiMapping.classify!(ok({ success: true, accepted: 0, rejected: [{ index: 0 }] })),
    ).toMatchObject({ ok: false });
  });
});

describe("Meta Conversions API", () => {
  const settings = {
    pixelId: "123456789012345",
    accessToken: "EAAB-token",
    apiVersion: "v23.0",
    actionSource: "website",
    baseUrl: "https://graph.facebook.com",
  };

  it("posts standard events with hashed user data and event_id = messageId", () => {
    const m = msg("track", {
      event: "Order Completed",
      context: {
        ...(msg("track").context as object),
        traits: { email: " Ada@Example.com ", phone: "+33 6 12 34 56 78" },
      },
      properties: { revenue: 30, currency: "eur", products: [{ product_id: "p1", quantity: 2, price: 15 }] },
    });
    const r = metaConversionsApiMapping.build(m, settings);
    expect(req(r).url).toBe(
      "https://graph.facebook.com/v23.0/123456789012345/events?access_token=EAAB-token",
    );
    expect(body(r)).toEqual({
      data: [
        {
          event_name: "Purchase",
          event_time: AT_MS / 1000,
          event_id: m.messageId,
          action_source: "website",
          event_source_url: "https://shop.example.com/checkout",
          user_data: {
            em: [sha256Hex("ada@example.com")],
            ph: [sha256Hex("33612345678")],
            external_id: [sha256Hex("user-12345")],
            client_ip_address: "203.0.113.9",
            client_user_agent: "Mozilla/5.0 (X11; Linux x86_64)",
          },
          custom_data: {
            value: 30,
            currency: "EUR",
            content_ids: ["p1"],
            contents: [{ id: "p1", quantity: 2, item_price: 15 }],
            content_type: "product",
            num_items: 2,
          },
        },
      ],
    });
  });

  it("needs a user agent for website events and classifies Graph errors", () => {
    expect(metaConversionsApiMapping.build(msg("page", { context: {} }), settings).kind).toBe("invalid");
    expect(
      body(metaConversionsApiMapping.build(msg("page"), { ...settings, testEventCode: "TEST1" })),
    ).toMatchObject({ data: [{ event_name: "PageView" }], test_event_code: "TEST1" });
    const throttled = {
      status: 400,
      headers: {},
      body: JSON.stringify({ error: { message: "limit", code: 17 } }),
    };
    expect(metaConversionsApiMapping.classify!(throttled)).toMatchObject({
      ok: false,
      retry: true,
      errorType: "rate_limited",
    });
    const token = {
      status: 400,
      headers: {},
      body: JSON.stringify({ error: { message: "bad token", code: 190 } }),
    };
    expect(metaConversionsApiMapping.classify!(token)).toMatchObject({
      retry: false,
      errorType: "unauthorized",
    });
  });
});

describe("Algolia Insights", () => {
  const settings = {
    applicationId: "APP1",
    apiKey: "alg-key",
    region: "de",
    baseUrl: "https://insights.de.algolia.io",
  };

  it("maps ecommerce events to click, view and conversion events", () => {
    const r = algoliaInsightsMapping.build(
      msg("track", {
        event: "Product Clicked",
        properties: { index: "products", product_id: "p1", queryID: "q1", position: 3 },
      }),
      settings,
    );
    expect(req(r)).toMatchObject({ method: "POST", url: "https://insights.de.algolia.io/1/events" });
    expect(req(r).headers).toMatchObject({
      "x-algolia-application-id": "APP1",
      "x-algolia-api-key": "alg-key",
    });
    expect(body(r)).toEqual({
      events: [
        {
          eventType: "click",
          eventName: "Product Clicked",
          index: "products",
          objectIDs: ["p1"],
          userToken: "anon-67890",
          authenticatedUserToken: "user-12345",
          timestamp: AT_MS,
          queryID: "q1",
          positions: [3],
        },
      ],
    });
    const order = body(
      algoliaInsightsMapping.build(
        msg("track", {
          event: "Order Completed",
          properties: {
            index: "products",
            revenue: 20,
            currency: "EUR",
            products: [{ product_id: "p1", price: 10, quantity: 2 }],
          },
        }),
        settings,
      ),
    );
    expect(order.events[0]).toMatchObject({
      eventType: "conversion",
      eventSubtype: "purchase",
      objectIDs: ["p1"],
      objectData: [{ price: 10, quantity: 2 }],
      value: 20,
      currency: "EUR",
    });
  });

  it("records other events as unsupported and incomplete ones as invalid", () => {
    expect(algoliaInsightsMapping.build(msg("track", { event: "Signed Up" }), settings)).toMatchObject({
      kind: "skip",
      status: "unsupported",
    });
    expect(
      algoliaInsightsMapping.build(
        msg("track", { event: "Product Viewed", properties: { product_id: "p1" } }),
        settings,
      ).kind,
    ).toBe("invalid");
  });
});

describe("ClickHouse HTTP interface", () => {
  const settings = {
    baseUrl: "https://ch.example.com:8443",
    username: "writer",
    password: "pw",
    database: "analytics",
    table: "events",
    asyncInsert: true,
  };

  it("inserts one JSONEachRow line", () => {
    const m = msg("track", { event: "A" });
    const r = req(clickhouseMapping.build(m, settings, { sourceId: "src_1" }));
    const url = new URL(r.url);
    expect(url.origin + url.pathname).toBe("https://ch.example.com:8443/");
    expect(url.searchParams.get("query")).toBe("INSERT INTO analytics.events FORMAT JSONEachRow");
    expect(url.searchParams.get("async_insert")).toBe("1");
    expect(url.searchParams.get("insert_deduplication_token")).toBe(m.messageId);
    expect(r.headers).toMatchObject({ "x-clickhouse-user": "writer", "x-clickhouse-key": "pw" });
    expect(r.body.endsWith("\n")).toBe(true);
    expect(JSON.parse(r.body)).toEqual({
      message_id: m.messageId,
      type: "track",
      event: "A",
      user_id: "user-12345",
      anonymous_id: "anon-67890",
      timestamp: "2026-03-01T12:00:00.000Z",
      received_at: "2026-03-01T12:00:01.000Z",
      source_id: "src_1",
      payload: JSON.stringify(m),
    });
  });

  it("does not retry permanent ClickHouse errors behind a 500", () => {
    const unknownTable = {
      status: 404,
      headers: { "x-clickhouse-exception-code": "60" },
      body: "Code: 60. DB::Exception: Table analytics.events does not exist",
    };
    expect(clickhouseMapping.classify!(unknownTable)).toMatchObject({
      ok: false,
      retry: false,
      errorType: "bad_request",
    });
    expect(
      clickhouseMapping.classify!({ status: 500, headers: {}, body: "Code: 516. Authentication failed" }),
    ).toMatchObject({ errorType: "unauthorized" });
    expect(
      clickhouseMapping.classify!({
        status: 503,
        headers: {},
        body: "Code: 202. Too many simultaneous queries",
      }),
    ).toBeUndefined();
  });
});
