import { describe, expect, it } from "vitest";
import { getUseCase } from "@/lib/catalog/use-cases";
import { computeProgress, type SetupFacts } from "@/lib/use-cases/progress";
import type { Arrival, DestinationBrief, SetupRecord, SourceBrief } from "@/lib/use-cases/types";

const useCase = getUseCase("personalize-communications", "personalize-winback")!;

const record = (over: Partial<SetupRecord> = {}): SetupRecord => ({
  goalId: "personalize-communications",
  useCaseSlug: "personalize-winback",
  library: null,
  environmentsAt: "2025-01-01T00:00:00.000Z",
  reviewedAt: null,
  devVerifiedAt: null,
  prodVerifiedAt: null,
  completedAt: null,
  createdAt: "2025-01-01T00:00:00.000Z",
  ...over,
});
const source = (id: string): SourceBrief => ({
  id,
  name: id,
  type: "website",
  enabled: true,
  publishedFrom: null,
});
const destination = (id: string, enabled = true): DestinationBrief => ({
  id,
  name: id,
  type: "webhook",
  enabled,
  sourceIds: [],
  delivered: 0,
  failed: 0,
  publishedFrom: null,
});
const seen = (...events: string[]): Record<string, Arrival> =>
  Object.fromEntries(events.map((e) => [e, { count: 1, lastAt: 1, sourceId: "s" }]));

function facts(over: Partial<SetupFacts> = {}): SetupFacts {
  return {
    setup: record(),
    useCase,
    sources: { dev: [], prod: [] },
    destinations: { dev: [], prod: [] },
    received: { dev: {}, prod: {} },
    ...over,
  };
}

const done = (f: SetupFacts) =>
  computeProgress(f)
    .steps.filter((s) => s.done)
    .map((s) => s.id);

describe("guided setup progress", () => {
  it("starts with nothing done and says what completion needs", () => {
    const p = computeProgress(facts());
    expect(p.done).toBe(0);
    expect(p.total).toBe(8);
    expect(p.percent).toBe(0);
    expect(p.missing).toContain("Review the suggested events");
    expect(p.events.map((e) => [e.event, e.dev, e.prod])).toEqual([
      ["Page Viewed", null, null],
      ["Page Scrolled", null, null],
      ["Order Completed", null, null],
    ]);
  });

  it("derives dev steps from real sources, enabled destinations and arrivals", () => {
    const f = facts({
      setup: record({ reviewedAt: "2025-01-02T00:00:00.000Z" }),
      sources: { dev: [source("site")], prod: [] },
      destinations: { dev: [destination("hook", false)], prod: [] },
      received: { dev: seen("Page Viewed", "Page Scrolled"), prod: {} },
    });
    expect(done(f)).toEqual(["review", "dev-sources"]);
    f.destinations.dev = [destination("hook", true)];
    expect(done(f)).toEqual(["review", "dev-sources", "dev-destinations"]);
    f.received.dev = seen("Page Viewed", "Page Scrolled", "Order Completed");
    expect(done(f)).toEqual(["review", "dev-sources", "dev-destinations", "dev-verify"]);
    expect(computeProgress(f).percent).toBe(50);
  });

  it("un-ticks a connection step when the source is gone, but keeps a reached verification", () => {
    const f = facts({ setup: record({ devVerifiedAt: "2025-01-03T00:00:00.000Z" }) });
    expect(done(f)).toEqual(["dev-verify"]);
    expect(computeProgress(f).devVerified).toBe(true);
  });

  it("verifies prod with any suggested event, and only then allows completion", () => {
    const f = facts({
      setup: record({ reviewedAt: "x", devVerifiedAt: "x" }),
      sources: { dev: [source("site")], prod: [source("site-prod")] },
      destinations: { dev: [destination("hook")], prod: [destination("hook-prod")] },
    });
    expect(computeProgress(f).missing).toEqual(["Receive a suggested event on a prod source"]);
    f.received.prod = seen("Order Completed");
    const p = computeProgress(f);
    expect(p.prodVerified).toBe(true);
    expect(p.missing).toEqual([]);
    expect(p.done).toBe(7);
    f.setup = record({ reviewedAt: "x", devVerifiedAt: "x", completedAt: "x" });
    expect(computeProgress(f).percent).toBe(100);
  });
});
