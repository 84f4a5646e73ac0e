import { describe, expect, it } from "vitest";
import { getDestinationType } from "@/lib/catalog";
import { integrationKeys } from "@/lib/catalog/integration-keys";
import { parseFql } from "@/lib/filters/fql";
import { applyOmissions, judge, type SourceProtocols, schemaConfig } from "@/lib/protocols/enforcement";
import { checkSchema, compilePlan, planRules } from "@/lib/protocols/plan";
import { routeMessage } from "@/lib/routing/route";
import type { RouteTarget } from "@/lib/routing/steps";

const rules = planRules.parse({
  events: [
    {
      type: "track",
      name: "Order Completed",
      schema: {
        type: "object",
        required: ["total"],
        properties: {
          total: { type: "number" },
          currency: { type: "string", enum: ["EUR", "USD"] },
          coupon: { type: "string", pattern: "^[A-Z]{4}[0-9]+$" },
        },
      },
    },
    { type: "page", name: "Pricing" },
  ],
  identify: {
    schema: {
      type: "object",
      properties: { email: { type: "string" }, age: { type: "integer", minimum: 0 } },
    },
  },
});
const plan = compilePlan("p1", 1, rules);

const protocols = (config: Record<string, unknown> = {}, plan_ = plan): SourceProtocols => ({
  plan: plan_,
  config: schemaConfig.parse(config),
  eventFilters: new Map(),
  forwardTo: null,
});

const track = (event: string, properties: Record<string, unknown>) => ({ type: "track", event, properties });

describe("tracking plan validation", () => {
  it("accepts a planned, valid event", () => {
    expect(judge(protocols(), track("Order Completed", { total: 10, currency: "EUR" }))).toBeNull();
  });

  it("records an unplanned track event, and blocks it only when configured to", () => {
    const allowed = judge(protocols(), track("Nope", {}))!;
    expect(allowed.violations).toEqual([
      expect.objectContaining({ code: "unplanned_event", name: "Nope", path: "" }),
    ]);
    expect(allowed.blocked).toBeUndefined();
    const blocked = judge(protocols({ trackUnplanned: "block" }), track("Nope", {}))!;
    expect(blocked.blocked).toEqual({
      step: "tracking_plan",
      reason: 'Blocked by tracking plan: unplanned event "Nope"',
    });
  });

  it("names each invalid property with its JSON Schema keyword and a sample of the value", () => {
    const v = judge(protocols(), track("Order Completed", { total: "ten", currency: "GBP", coupon: "x" }))!;
    expect(v.violations!.map((x) => [x.path, x.code, x.value])).toEqual([
      ["properties.total", "type", '"ten"'],
      ["properties.currency", "enum", '"GBP"'],
      ["properties.coupon", "pattern", '"x"'],
    ]);
    const missing = judge(protocols(), track("Order Completed", {}))!;
    expect(missing.violations![0]).toMatchObject({ path: "properties.total", code: "required" });
  });

  it("omits invalid properties (never a missing required one) or blocks the event, per the configuration", () => {
    const msg = track("Order Completed", { total: "ten", currency: "EUR", note: "kept" });
    const omit = judge(protocols({ trackInvalid: "omit" }), msg)!;
    expect(omit.blocked).toBeUndefined();
    expect(omit.omitted).toEqual([{ step: "tracking_plan", path: "properties.total" }]);
    expect(applyOmissions(msg, omit.omitted!)).toEqual(
      track("Order Completed", { currency: "EUR", note: "kept" }),
    );
    expect(msg.properties.total).toBe("ten"); // the archived original is untouched
    expect(judge(protocols({ trackInvalid: "block" }), msg)!.blocked?.step).toBe("tracking_plan");
    const missing = judge(protocols({ trackInvalid: "omit" }), track("Order Completed", {}))!;
    expect(missing.omitted).toBeUndefined();
  });

  it("lets unplanned pages through and validates planned ones", () => {
    expect(judge(protocols({ trackUnplanned: "block" }), { type: "page", name: "Elsewhere" })).toBeNull();
    expect(judge(protocols(), { type: "page", name: "Pricing", properties: {} })).toBeNull();
  });

  it("identify: unplanned traits allow/omit, invalid traits allow/block", () => {
    const msg = { type: "identify", userId: "u", traits: { email: "a@b.c", age: -1, shoe: 44 } };
    const v = judge(protocols(), msg)!;
    expect(v.violations!.map((x) => [x.path, x.code])).toEqual([
      ["traits.shoe", "unplanned_trait"],
      ["traits.age", "minimum"],
    ]);
    expect(v.blocked).toBeUndefined();
    expect(judge(protocols({ traitsUnplanned: "omit" }), msg)!.omitted).toEqual([
      { step: "tracking_plan", path: "traits.shoe" },
    ]);
    expect(judge(protocols({ traitsInvalid: "block" }), msg)!.blocked?.reason).toMatch(
      /traits\.age must be >= 0/,
    );
    // Only unplanned traits: "block invalid traits" does not block.
    expect(
      judge(protocols({ traitsInvalid: "block" }), { ...msg, traits: { shoe: 1 } })!.blocked,
    ).toBeUndefined();
  });
});

describe("what a plan may contain", () => {
  it("refuses patterns RE2 cannot run in linear time, with the reason", () => {
    expect(checkSchema({ properties: { a: { type: "string", pattern: "(a+)+\\1" } } })).toMatch(
      /not supported/,
    );
    expect(checkSchema({ properties: { a: { type: "string", pattern: "^(?=x)" } } })).toMatch(
      /not supported/,
    );
    expect(checkSchema({ properties: { a: { type: "string", pattern: "x".repeat(300) } } })).toMatch(
      /256 characters/,
    );
    expect(checkSchema({ properties: { pattern: { type: "string" } } })).toBeNull(); // a property named "pattern"
  });

  it("refuses uniqueItems, format, remote $ref and deep nesting", () => {
    expect(checkSchema({ type: "array", uniqueItems: true })).toMatch(/uniqueItems/);
    expect(checkSchema({ type: "string", format: "email" })).toMatch(/format/);
    expect(checkSchema({ $ref: "https://example.com/s.json" })).toMatch(/local references/);
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 40; i++) deep = { type: "object", properties: { a: deep } };
    expect(checkSchema(deep)).toMatch(/nest at most/);
  });

  it("matches a catastrophic-for-backtracking pattern in linear time (RE2)", () => {
    const p = compilePlan(
      "p2",
      1,
      planRules.parse({
        events: [
          {
            type: "track",
            name: "E",
            schema: { properties: { s: { type: "string", pattern: "^(a|a)*$" } } },
          },
        ],
      }),
    );
    const v = judge(protocols({}, p), track("E", { s: `${"a".repeat(30_000)}b` }))!;
    expect(v.violations![0]!.code).toBe("pattern");
  });

  it("reports duplicate events and unknown keywords when the plan is saved", () => {
    const twice = planRules.safeParse({
      events: [
        { type: "track", name: "A" },
        { type: "track", name: "A" },
      ],
    });
    expect(twice.success).toBe(false);
    expect(() =>
      compilePlan("p3", 1, planRules.parse({ events: [{ type: "track", name: "A", schema: { typo: 1 } }] })),
    ).toThrow(/track "A".*typo/);
  });
});

describe("schema event filters", () => {
  const filters = (entries: [string, "block" | "omit"][]): SourceProtocols => ({
    plan: null,
    config: schemaConfig.parse({}),
    eventFilters: new Map(entries.map(([k, action], i) => [k, { id: `f${i}`, action }])),
    forwardTo: null,
  });

  it("blocks track/page/screen by name and omits identify/group traits", () => {
    const p = filters([
      ["track:Spam", "block"],
      ["screen:Debug", "block"],
      ["identify:ssn", "omit"],
    ]);
    expect(judge(p, track("Spam", {}))!.blocked).toEqual({
      step: "schema_event_filter",
      reason: 'Blocked by schema: event "Spam" is blocked',
      filterId: "f0",
    });
    expect(judge(p, { type: "screen", name: "Debug" })!.blocked?.filterId).toBe("f1");
    expect(judge(p, track("Fine", {}))).toBeNull();
    expect(judge(p, { type: "identify", traits: { ssn: "1", name: "A" } })!.omitted).toEqual([
      { step: "schema_event_filter", path: "traits.ssn", filterId: "f2" },
    ]);
  });

  it("does not apply while a tracking plan is connected", () => {
    const p = { ...filters([["track:Order Completed", "block"]]), plan };
    expect(judge(p, track("Order Completed", { total: 1 }))).toBeNull();
  });
});

describe("the message path, in order", () => {
  const webhook = getDestinationType("webhook")!;
  const target = (filters: RouteTarget["filters"] = []): RouteTarget => ({
    id: "d1",
    catalogName: webhook.name,
    name: "Orders hook",
    integrationKeys: integrationKeys(webhook),
    supportedTypes: new Set(webhook.supportedTypes),
    filters,
  });
  const drop = (condition: string) => {
    expect(parseFql(condition).ok).toBe(true);
    return { id: "f", name: "f", condition, action: "drop", config: "{}", enabled: true, position: 0 };
  };
  const off = new Map([["track\u001fOrder Completed", new Set(["d1"])]]);
  const msg = { type: "track", event: "Order Completed", properties: { total: 1 } };

  it("tracking plan before schema event filter before integrations object before schema integration filter before destination filters", () => {
    const all = {
      verdict: {
        blocked: { step: "tracking_plan" as const, reason: "Blocked by tracking plan: x" },
        omitted: [{ step: "schema_event_filter" as const, path: "properties.total" }],
      },
      schemaOff: off,
    };
    const t = target([drop("true")]);
    expect(routeMessage({ ...msg, integrations: { All: false } }, t, all)).toMatchObject({
      errorType: "tracking_plan",
    });
    const schema = {
      verdict: { blocked: { step: "schema_event_filter" as const, reason: "Blocked by schema" } },
      schemaOff: off,
    };
    expect(routeMessage({ ...msg, integrations: { All: false } }, t, schema)).toMatchObject({
      errorType: "schema_event_filter",
    });
    expect(
      routeMessage({ ...msg, integrations: { All: false } }, t, { verdict: null, schemaOff: off }),
    ).toMatchObject({
      errorType: "integrations_disabled",
    });
    expect(routeMessage(msg, t, { verdict: null, schemaOff: off })).toMatchObject({
      errorType: "schema_integration_filter",
      reason: '"Order Completed" switched off for Orders hook in the source\'s Schema',
    });
    expect(routeMessage(msg, t, { verdict: null })).toMatchObject({ errorType: "destination_filter" });
  });

  it("a schema integration filter never overrides the message's integrations object", () => {
    const d = routeMessage({ ...msg, integrations: { Webhooks: true } }, target(), {
      verdict: null,
      schemaOff: off,
    });
    expect(d.kind).toBe("deliver");
    // "All" does not name the destination: the filter still applies.
    const all = routeMessage({ ...msg, integrations: { All: true } }, target(), {
      verdict: null,
      schemaOff: off,
    });
    expect(all).toMatchObject({ errorType: "schema_integration_filter" });
  });

  it("delivers the message without omitted fields; destination filters see it that way", () => {
    const ctx = { verdict: { omitted: [{ step: "tracking_plan" as const, path: "properties.total" }] } };
    const d = routeMessage(msg, target([drop("properties.total = 1")]), ctx);
    expect(d.kind).toBe("deliver");
    if (d.kind === "deliver")
      expect(JSON.parse(d.payload!)).toEqual({ type: "track", event: "Order Completed", properties: {} });
  });
});
