import { describe, expect, it } from "vitest";
import { integrationsDecision } from "@/lib/routing/integrations";
import { type RouteTarget, routeMessage } from "@/lib/routing/route";

const names = { catalogName: "Webhook", instanceName: "Prod hook" };
const on = (integrations: unknown) => integrationsDecision(integrations, names).enabled;

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

  it("matches the catalog name and the instance name, exactly", () => {
    expect(on({ Webhook: false })).toBe(false);
    expect(on({ "Prod hook": false })).toBe(false);
    expect(on({ webhook: false })).toBe(true);
    expect(on({ All: false, Webhook: true })).toBe(true);
    expect(on({ All: false, "Prod hook": true })).toBe(true);
  });

  it("lets the instance name win over the catalog name", () => {
    expect(on({ Webhook: false, "Prod hook": true })).toBe(true);
    expect(on({ Webhook: true, "Prod hook": false })).toBe(false);
  });

  it("counts an object value as enabled and null as absent", () => {
    expect(on({ All: false, Webhook: { apiKey: "x" } })).toBe(true);
    expect(on({ All: false, Webhook: {} })).toBe(true);
    expect(on({ All: false, Webhook: null })).toBe(false);
    expect(on({ Webhook: null })).toBe(true);
  });

  it("explains why a destination was turned off", () => {
    expect(integrationsDecision({ All: false }, names)).toEqual({
      enabled: false,
      reason: 'The message\'s integrations object sets All to false and does not enable "Prod hook"',
    });
  });
});

describe("routing order", () => {
  const target = (over: Partial<RouteTarget> = {}): RouteTarget => ({
    id: "d1",
    catalogName: "Amplitude",
    name: "Product analytics",
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

  it("checks the integrations object before filters and call types", () => {
    const d = routeMessage({ type: "group", integrations: { Amplitude: false } }, target());
    expect(d).toMatchObject({ kind: "filtered", errorType: "integrations_disabled" });
  });

  it("applies filters before the call-type check", () => {
    const d = routeMessage({ type: "group" }, target({ filters: [filter("drop", 'type = "group"')] }));
    expect(d).toMatchObject({ kind: "filtered", errorType: "destination_filter" });
  });

  it("records unsupported call types", () => {
    expect(routeMessage({ type: "group", groupId: "g" }, target())).toMatchObject({
      kind: "unsupported",
      errorType: "unsupported_type",
      reason: "Amplitude does not accept group calls",
    });
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
