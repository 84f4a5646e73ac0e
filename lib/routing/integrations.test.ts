import { describe, expect, it } from "vitest";
import { getDestinationType } from "@/lib/catalog";
import { integrationKeys } from "@/lib/catalog/integration-keys";
import { ERROR_TYPES } from "@/lib/delivery/errors";
import { integrationsDecision } from "@/lib/routing/integrations";
import { type RouteTarget, routeMessage } from "@/lib/routing/route";
import { ROUTE_STEPS } from "@/lib/routing/steps";

const webhookKeys = integrationKeys(getDestinationType("webhook")!);
const on = (integrations: unknown, keys = webhookKeys) => integrationsDecision(integrations, keys).enabled;

describe("integrations object", () => {
  it("defaults to enabled", () => {
    expect(on(undefined)).toBe(true);
    expect(on({})).toBe(true);
    expect(on(null)).toBe(true);
    expect(on("All")).toBe(true);
  });

  it("applies All to destinations without their own key", () => {
    expect(on({ All: false })).toBe(false);
    expect(on({ All: true })).toBe(true);
    expect(on({ All: false, Amplitude: true })).toBe(false);
  });

  it("knows a type by its catalog name and Segment's names for it, exactly", () => {
    expect(webhookKeys).toEqual(["Webhook", "Webhooks", "Webhooks (Actions)"]);
    expect(on({ Webhook: false })).toBe(false);
    expect(on({ Webhooks: false })).toBe(false); // Segment's own key for its webhook destination
    expect(on({ "Webhooks (Actions)": false })).toBe(false);
    expect(on({ webhooks: false })).toBe(true); // case-sensitive, as in Segment
    expect(on({ All: false, Webhooks: true })).toBe(true);
    const braze = integrationKeys(getDestinationType("braze")!);
    expect(on({ Appboy: false }, braze)).toBe(false);
  });

  it("cannot address one instance: instance names are not keys (issue 15, item 5)", () => {
    // A webhook instance named "Prod webhook" stays off when its type is off...
    expect(on({ Webhook: false, "Prod webhook": true })).toBe(false);
    // ...and a webhook named "Mixpanel" is not switched off by Mixpanel's key.
    expect(on({ Mixpanel: false })).toBe(true);
  });

  it("lets false win when several keys of the type disagree", () => {
    expect(on({ Webhook: true, Webhooks: false })).toBe(false);
    expect(on({ All: false, Webhook: true, "Webhooks (Actions)": null })).toBe(true);
  });

  it("counts an object value as enabled and null as absent", () => {
    expect(on({ All: false, Webhook: { apiKey: "x" } })).toBe(true);
    expect(on({ All: false, Webhook: {} })).toBe(true);
    expect(on({ All: false, Webhook: null })).toBe(false);
    expect(on({ Webhook: null })).toBe(true);
  });

  it('does not count "false" (a string) or other non-flags as enabled: not sent, with the reason', () => {
    expect(integrationsDecision({ Webhook: "false" }, webhookKeys)).toEqual({
      enabled: false,
      reason:
        'The message\'s integrations object sets "Webhook" to the string "false"; only true, false or an object of options count, so it is not sent',
    });
    expect(on({ Webhook: "true" })).toBe(false);
    expect(on({ Webhook: 1 })).toBe(false);
    expect(on({ Webhook: [] })).toBe(false);
    expect(integrationsDecision({ All: "false" }, webhookKeys)).toMatchObject({
      enabled: false,
      reason: expect.stringContaining('sets "All" to the string "false"'),
    });
    // Another type's bad value is not this destination's business.
    expect(on({ Mixpanel: "false" })).toBe(true);
  });

  it("explains why a destination was turned off", () => {
    expect(integrationsDecision({ All: false }, webhookKeys)).toEqual({
      enabled: false,
      reason: 'The message\'s integrations object sets All to false and does not enable "Webhook"',
    });
  });
});

describe("routing steps", () => {
  const target = (over: Partial<RouteTarget> = {}): RouteTarget => ({
    id: "d1",
    catalogName: "Amplitude",
    name: "Product analytics",
    integrationKeys: integrationKeys(getDestinationType("amplitude")!),
    supportedTypes: new Set(["track", "identify", "page", "screen"]),
    filters: [],
    ...over,
  });
  const filter = (action: string, condition: string, config: unknown = {}) => ({
    id: `f-${action}`,
    name: action,
    condition,
    action,
    config,
    enabled: true,
    position: 0,
  });

  it("run in Segment's order: consent, privacy, integrations object, call types, destination filters", () => {
    expect(ROUTE_STEPS.map((s) => s.id)).toEqual([
      "consent",
      "privacy",
      "integrations",
      "call_types",
      "destination_filters",
    ]);
  });

  it("checks the integrations object first", () => {
    const d = routeMessage({ type: "group", integrations: { "Actions Amplitude": false } }, target());
    expect(d).toMatchObject({ kind: "filtered", errorType: "integrations_disabled", step: "integrations" });
  });

  it("decides unsupported call types before the filters (issue 15, item 4)", () => {
    const d = routeMessage({ type: "group" }, target({ filters: [filter("drop", 'type = "group"')] }));
    expect(d).toEqual({
      kind: "unsupported",
      errorType: "unsupported_type",
      step: "call_types",
      reason: "Amplitude does not accept group calls",
    });
    const tracked = routeMessage({ type: "track" }, target({ filters: [filter("drop", 'type = "track"')] }));
    expect(tracked).toMatchObject({
      kind: "filtered",
      errorType: "destination_filter",
      step: "destination_filters",
    });
  });

  it("names every step in the Event Delivery error table with its label", () => {
    for (const step of ROUTE_STEPS) {
      expect(ERROR_TYPES[step.errorType]).toEqual({
        retry: false,
        title: step.label,
        description: step.description,
      });
    }
  });

  it("hands on the message the filters changed, or null when unchanged", () => {
    const plain = routeMessage({ type: "track", event: "A", properties: { a: 1 } }, target());
    expect(plain).toMatchObject({ kind: "deliver", payload: null });
    const trimmed = routeMessage(
      { type: "track", event: "A", properties: { a: 1, email: "x@y.z" } },
      target({ filters: [filter("drop_fields", 'event = "A"', { fields: ["properties.email"] })] }),
    );
    expect(trimmed.kind).toBe("deliver");
    expect(JSON.parse((trimmed as { payload: string }).payload)).toEqual({
      type: "track",
      event: "A",
      properties: { a: 1 },
    });
  });
});
