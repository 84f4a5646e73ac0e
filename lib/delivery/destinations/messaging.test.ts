import { describe, expect, it } from "vitest";
import { brazeMapping } from "@/lib/delivery/destinations/braze";
import { customerioMapping } from "@/lib/delivery/destinations/customerio";
import { intercomMapping } from "@/lib/delivery/destinations/intercom";
import { slackMapping } from "@/lib/delivery/destinations/slack";
import { AT_MS, body, msg, ok, req } from "@/lib/delivery/destinations/testing";
import type { MapResult, PartnerResponse } from "@/lib/delivery/types";

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

describe("Customer.io Track API", () => {
  const settings = {
    siteId: "site-1",
    apiKey: "cio-key",
    region: "eu",
    baseUrl: "https://track-eu.customer.io",
  };

  it("identifies with PUT /customers/{id} and seconds for created_at", () => {
    const r = customerioMapping.build(
      msg("identify", { traits: { email: "a@b.c", createdAt: "2026-01-01T00:00:00Z" } }),
      settings,
    );
    expect(req(r)).toMatchObject({
      method: "PUT",
      url: "https://track-eu.customer.io/api/v1/customers/user-12345",
    });
    expect(req(r).headers.authorization).toBe(basic("site-1", "cio-key"));
    expect(body(r)).toEqual({ email: "a@b.c", created_at: 1767225600 });
  });

  it("tracks events, pages and anonymous events with a ULID id derived from the messageId", () => {
    const r = customerioMapping.build(
      msg("track", { event: "Signed Up", properties: { plan: "pro" } }),
      settings,
    );
    expect(req(r).url).toBe("https://track-eu.customer.io/api/v1/customers/user-12345/events");
    const event = body(r);
    expect(event).toMatchObject({
      name: "Signed Up",
      type: "event",
      data: { plan: "pro" },
      timestamp: AT_MS / 1000,
    });
    expect(event.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(
      body(
        customerioMapping.build(msg("track", { event: "Signed Up", properties: { plan: "pro" } }), settings),
      ).id,
    ).toBe(event.id);
    const page = body(
      customerioMapping.build(msg("page", { properties: { url: "https://x.io/p" } }), settings),
    );
    expect(page).toMatchObject({ name: "https://x.io/p", type: "page" });
    const anon = customerioMapping.build(msg("screen", { userId: undefined, name: "Home" }), settings);
    expect(req(anon).url).toBe("https://track-eu.customer.io/api/v1/events");
    expect(body(anon)).toMatchObject({ name: "Home", type: "screen", anonymous_id: "anon-67890" });
    expect(customerioMapping.build(msg("identify", { userId: undefined }), settings).kind).toBe("invalid");
  });
});

describe("Intercom REST API", () => {
  const settings = { accessToken: "ic-token", region: "us", baseUrl: "https://api.intercom.io" };
  const step = (r: MapResult, res: PartnerResponse) => {
    if (r.kind !== "request" || !r.next) throw new Error("no next step");
    return r.next(res)!;
  };

  it("submits events with seconds and flat metadata", () => {
    const r = intercomMapping.build(
      msg("track", { event: "placed-order", properties: { total: 29.99, nested: { a: 1 } } }),
      settings,
    );
    expect(req(r)).toMatchObject({ method: "POST", url: "https://api.intercom.io/events" });
    expect(req(r).headers).toMatchObject({ authorization: "Bearer ic-token", "intercom-version": "2.11" });
    expect(body(r)).toEqual({
      event_name: "placed-order",
      created_at: AT_MS / 1000,
      user_id: "user-12345",
      metadata: { total: 29.99 },
    });
  });

  it("identify: searches by external_id, then updates the contact or creates it", () => {
    const r = intercomMapping.build(
      msg("identify", { traits: { email: "a@b.c", name: "Ada", plan: "pro" } }),
      settings,
    );
    expect(req(r).url).toBe("https://api.intercom.io/contacts/search");
    expect(body(r)).toEqual({ query: { field: "external_id", operator: "=", value: "user-12345" } });
    const contact = {
      role: "user",
      external_id: "user-12345",
      email: "a@b.c",
      name: "Ada",
      custom_attributes: { plan: "pro" },
    };
    const update = step(r, ok({ type: "list", data: [{ type: "contact", id: "c-42" }], total_count: 1 }));
    expect(req(update)).toMatchObject({ method: "PUT", url: "https://api.intercom.io/contacts/c-42" });
    expect(body(update)).toEqual(contact);
    const create = step(r, ok({ type: "list", data: [], total_count: 0 }));
    expect(req(create)).toMatchObject({ method: "POST", url: "https://api.intercom.io/contacts" });
  });

  it("group: upserts the company, then attaches the contact", () => {
    const r = intercomMapping.build(
      msg("group", { groupId: "acme", traits: { name: "Acme", plan: "gold" } }),
      settings,
    );
    expect(req(r).url).toBe("https://api.intercom.io/companies");
    expect(body(r)).toEqual({ company_id: "acme", name: "Acme", plan: "gold" });
    const search = step(r, ok({ type: "company", id: "co-7" }));
    expect(req(search).url).toBe("https://api.intercom.io/contacts/search");
    const attach = step(search, ok({ data: [{ id: "c-42" }] }));
    expect(req(attach).url).toBe("https://api.intercom.io/contacts/c-42/companies");
    expect(body(attach)).toEqual({ id: "co-7" });
    expect(step(search, ok({ data: [] }))).toBeNull();
  });
});

describe("Braze /users/track", () => {
  const settings = {
    apiKey: "braze-key",
    instance: "eu-01",
    baseUrl: "https://rest.fra-01.braze.eu",
    appId: "app-1",
  };

  it("sends identify as attributes with Braze's standard names", () => {
    const r = brazeMapping.build(
      msg("identify", {
        traits: {
          firstName: "Ada",
          email: "a@b.c",
          birthday: "1990-05-17",
          address: { city: "Paris", country: "FR" },
          vip: true,
        },
      }),
      settings,
    );
    expect(req(r)).toMatchObject({ method: "POST", url: "https://rest.fra-01.braze.eu/users/track" });
    expect(req(r).headers.authorization).toBe("Bearer braze-key");
    expect(body(r)).toEqual({
      attributes: [
        {
          external_id: "user-12345",
          first_name: "Ada",
          email: "a@b.c",
          vip: true,
          dob: "1990-05-17",
          country: "FR",
          home_city: "Paris",
        },
      ],
    });
  });

  it("sends events, purchases per product, and aliases anonymous users", () => {
    expect(
      body(brazeMapping.build(msg("track", { event: "Signed Up", properties: { plan: "pro" } }), settings)),
    ).toEqual({
      events: [
        {
          external_id: "user-12345",
          app_id: "app-1",
          name: "Signed Up",
          time: "2026-03-01T12:00:00.000Z",
          properties: { plan: "pro" },
        },
      ],
    });
    const order = body(
      brazeMapping.build(
        msg("track", {
          event: "Order Completed",
          properties: {
            order_id: "o1",
            currency: "eur",
            products: [{ product_id: "p1", price: 9.5, quantity: 2 }],
          },
        }),
        settings,
      ),
    );
    expect(order.purchases).toEqual([
      {
        external_id: "user-12345",
        app_id: "app-1",
        product_id: "p1",
        currency: "EUR",
        price: 9.5,
        quantity: 2,
        time: "2026-03-01T12:00:00.000Z",
        properties: { order_id: "o1" },
      },
    ]);
    const anon = body(brazeMapping.build(msg("track", { event: "A", userId: undefined }), settings));
    expect(anon.events[0].user_alias).toEqual({ alias_name: "anon-67890", alias_label: "anonymous_id" });
    expect(brazeMapping.classify!(ok({ message: "Valid data must be provided" }, 201))).toMatchObject({
      ok: false,
    });
    expect(brazeMapping.classify!(ok({ message: "success" }, 201))).toBeUndefined();
  });
});

describe("Slack incoming webhook", () => {
  const settings = {
    webhookUrl: "https://hooks.slack.com/services/T1/B1/secret",
    events: ["Order Completed"],
    template: "*{{event}}* by {{userId}}: {{properties.total}} <{{properties.note}}>",
  };

  it("posts { text } for listed events, escaping inserted values", () => {
    const r = slackMapping.build(
      msg("track", { event: "Order Completed", properties: { total: 42, note: "<!channel> & co" } }),
      settings,
    );
    expect(req(r)).toMatchObject({ method: "POST", url: "https://hooks.slack.com/services/T1/B1/secret" });
    expect(body(r)).toEqual({ text: "*Order Completed* by user-12345: 42 <&lt;!channel&gt; &amp; co>" });
  });

  it("records other events as filtered by the destination's settings", () => {
    expect(slackMapping.build(msg("track", { event: "Page Scrolled" }), settings)).toMatchObject({
      kind: "skip",
      status: "filtered",
      errorType: "event_not_selected",
    });
  });
});
