import { describe, expect, it } from "vitest";
import { amplitudeMapping } from "@/lib/delivery/destinations/amplitude";
import { googleAnalytics4Mapping } from "@/lib/delivery/destinations/google-analytics-4";
import { mixpanelMapping } from "@/lib/delivery/destinations/mixpanel";
import { posthogMapping } from "@/lib/delivery/destinations/posthog";
import { AT_MS, body, msg, ok, req } from "@/lib/delivery/destinations/testing";

// Request shapes from the partners' public API documentation (see docs/delivery.md).

describe("Amplitude HTTP V2 API", () => {
  const settings = { apiKey: "amp-key-0123456789", baseUrl: "https://api.eu.amplitude.com", minIdLength: 5 };

  it("posts a track event with insert_id = messageId", () => {
    const r = amplitudeMapping.build(
      msg("track", { event: "Order Completed", properties: { revenue: 25, product_id: "p1" } }),
      settings,
    );
    expect(req(r)).toMatchObject({ method: "POST", url: "https://api.eu.amplitude.com/2/httpapi" });
    expect(body(r)).toEqual({
      api_key: "amp-key-0123456789",
      events: [
        expect.objectContaining({
          user_id: "user-12345",
          device_id: "anon-67890",
          event_type: "Order Completed",
          event_properties: { revenue: 25, product_id: "p1" },
          revenue: 25,
          productId: "p1",
          time: AT_MS,
          insert_id: "3f1c6a2e-8d4b-4c1a-9e2f-6b7a8c9d0e1f",
          ip: "203.0.113.9",
        }),
      ],
      options: { min_id_length: 5 },
    });
  });

  it("maps identify to $identify with $set and page to a Viewed event", () => {
    const identify = body(amplitudeMapping.build(msg("identify", { traits: { plan: "pro" } }), settings))
      .events[0];
    expect(identify).toMatchObject({ event_type: "$identify", user_properties: { $set: { plan: "pro" } } });
    const page = body(amplitudeMapping.build(msg("page", { name: "Pricing" }), settings)).events[0];
    expect(page.event_type).toBe("Viewed Pricing Page");
  });

  it("refuses ids shorter than the minimum and reads errors from 2xx bodies", () => {
    expect(
      amplitudeMapping.build(msg("track", { event: "A", userId: "u1", anonymousId: "a1" }), settings).kind,
    ).toBe("invalid");
    expect(amplitudeMapping.classify!(ok({ code: 400, error: "missing_event_type" }))).toMatchObject({
      ok: false,
      retry: false,
    });
    expect(amplitudeMapping.classify!(ok({ code: 200, events_ingested: 1 }))).toBeUndefined();
  });
});

describe("Mixpanel Ingestion API", () => {
  const settings = { projectToken: "mp-token-abcdef", region: "eu", baseUrl: "https://api-eu.mixpanel.com" };

  it("imports events with the token as Basic auth user and a $insert_id", () => {
    const r = mixpanelMapping.build(
      msg("track", { event: "Signed Up", properties: { plan: "pro" } }),
      settings,
    );
    expect(req(r).url).toBe("https://api-eu.mixpanel.com/import?strict=1");
    expect(req(r).headers.authorization).toBe(`Basic ${Buffer.from("mp-token-abcdef:").toString("base64")}`);
    expect(body(r)).toEqual([
      {
        event: "Signed Up",
        properties: {
          plan: "pro",
          time: AT_MS,
          distinct_id: "user-12345",
          $device_id: "anon-67890",
          $user_id: "user-12345",
          $insert_id: "3f1c6a2e-8d4b-4c1a-9e2f-6b7a8c9d0e1f",
          ip: "203.0.113.9",
          mp_lib: "switchyard",
        },
      },
    ]);
  });

  it("sets profiles with /engage and groups with /groups, verbose", () => {
    const engage = mixpanelMapping.build(
      msg("identify", { traits: { email: "a@b.c", firstName: "Ada", plan: "pro" } }),
      settings,
    );
    expect(req(engage).url).toBe("https://api-eu.mixpanel.com/engage?verbose=1");
    expect(body(engage)).toEqual([
      {
        $token: "mp-token-abcdef",
        $distinct_id: "user-12345",
        $set: { $email: "a@b.c", $first_name: "Ada", plan: "pro" },
        $ip: "203.0.113.9",
      },
    ]);
    const group = mixpanelMapping.build(
      msg("group", { groupId: "acme", traits: { name: "Acme" } }),
      settings,
    );
    expect(req(group).url).toBe("https://api-eu.mixpanel.com/groups?verbose=1");
    expect(body(group)).toEqual([
      { $token: "mp-token-abcdef", $group_key: "company", $group_id: "acme", $set: { $name: "Acme" } },
    ]);
  });

  it("hashes messageIds that are not valid $insert_ids and catches status 0", () => {
    const long = body(
      mixpanelMapping.build(msg("track", { event: "A", messageId: "x".repeat(60) }), settings),
    )[0];
    expect(long.properties.$insert_id).toMatch(/^[0-9a-f]{32}$/);
    expect(mixpanelMapping.classify!(ok({ status: 0, error: "token missing" }))).toMatchObject({
      ok: false,
      errorType: "partner_error",
    });
    expect(mixpanelMapping.classify!(ok({ status: 1, error: null }))).toBeUndefined();
  });
});

describe("PostHog capture API", () => {
  const settings = { apiKey: "phc_project_key", baseUrl: "https://eu.i.posthog.com" };

  it("batches events with uuid from the messageId", () => {
    const r = posthogMapping.build(
      msg("track", { event: "Signed Up", properties: { plan: "pro" } }),
      settings,
    );
    expect(req(r).url).toBe("https://eu.i.posthog.com/batch/");
    expect(body(r)).toEqual({
      api_key: "phc_project_key",
      batch: [
        {
          event: "Signed Up",
          distinct_id: "user-12345",
          properties: { plan: "pro", $ip: "203.0.113.9", $lib: "switchyard" },
          timestamp: "2026-03-01T12:00:00.000Z",
          uuid: "3f1c6a2e-8d4b-4c1a-9e2f-6b7a8c9d0e1f",
        },
      ],
    });
  });

  it("maps page, screen, identify, group and alias to PostHog's special events", () => {
    const one = (m: Record<string, unknown>) => body(posthogMapping.build(m, settings)).batch[0];
    expect(one(msg("page", { properties: { url: "https://x.io/a", path: "/a" } }))).toMatchObject({
      event: "$pageview",
      properties: { $current_url: "https://x.io/a", $pathname: "/a" },
    });
    expect(one(msg("screen", { name: "Home" })).properties.$screen_name).toBe("Home");
    expect(one(msg("identify", { traits: { plan: "pro" } })).properties).toMatchObject({
      $set: { plan: "pro" },
      $anon_distinct_id: "anon-67890",
    });
    expect(one(msg("group", { groupId: "acme", traits: { name: "Acme" } })).properties).toMatchObject({
      $group_type: "company",
      $group_key: "acme",
      $group_set: { name: "Acme" },
    });
    expect(one(msg("alias", { previousId: "old-id" }))).toMatchObject({
      event: "$create_alias",
      properties: { alias: "old-id" },
    });
    const anonymous = one(msg("track", { event: "A", userId: undefined, messageId: "not-a-uuid" }));
    expect(anonymous.properties.$process_person_profile).toBe(false);
    expect(anonymous.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("GA4 Measurement Protocol", () => {
  const settings = {
    measurementId: "G-2B4C6D8E0F",
    apiSecret: "ga-secret",
    baseUrl: "https://www.google-analytics.com",
  };

  it("posts recommended ecommerce events with items", () => {
    const r = googleAnalytics4Mapping.build(
      msg("track", {
        event: "Order Completed",
        properties: {
          order_id: "o-1",
          revenue: 30,
          currency: "EUR",
          products: [{ product_id: "p1", name: "Tee", price: 15, quantity: 2 }],
        },
      }),
      settings,
    );
    expect(req(r).url).toBe(
      "https://www.google-analytics.com/mp/collect?measurement_id=G-2B4C6D8E0F&api_secret=ga-secret",
    );
    expect(body(r)).toEqual({
      client_id: "anon-67890",
      user_id: "user-12345",
      timestamp_micros: AT_MS * 1000,
      events: [
        {
          name: "purchase",
          params: {
            order_id: "o-1",
            revenue: 30,
            currency: "EUR",
            value: 30,
            transaction_id: "o-1",
            items: [{ item_id: "p1", item_name: "Tee", price: 15, quantity: 2 }],
          },
        },
      ],
    });
  });

  it("snake-cases custom events, maps page to page_view and rejects reserved names", () => {
    expect(
      body(googleAnalytics4Mapping.build(msg("track", { event: "Video Played" }), settings)).events[0].name,
    ).toBe("video_played");
    const page = body(
      googleAnalytics4Mapping.build(
        msg("page", { properties: { url: "https://x.io/", title: "Home" } }),
        settings,
      ),
    );
    expect(page.events[0]).toEqual({
      name: "page_view",
      params: { page_location: "https://x.io/", page_title: "Home" },
    });
    expect(googleAnalytics4Mapping.build(msg("track", { event: "Session Start" }), settings).kind).toBe(
      "invalid",
    );
  });
});
