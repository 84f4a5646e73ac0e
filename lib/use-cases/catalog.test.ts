import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { businessGoals, getUseCase, recommendationsForUseCase } from "@/lib/catalog/use-cases";
import shipped from "@/lib/catalog/use-cases.json" with { type: "json" };

// The wizard offers exactly the catalog of the Use Cases Reference: same goals, same 25 use cases,
// same events with the same properties in the same order, same recommended source and destination
// categories. Compared through the accessors the wizard uses, not just the JSON file.

interface RefUseCase {
  name: string;
  description: string;
  events: { event: string; properties: string[] }[];
  sources: string[];
  destinations: string[];
}
interface Ref {
  goals: { id: string; name: string; summary: string; useCases: RefUseCase[] }[];
}

const referencePath = path.resolve(import.meta.dirname, "../../../shared/reference/use-cases.json");
// The reference lives beside the development checkout; a release only has the shipped copy.
const reference: Ref = fs.existsSync(referencePath)
  ? JSON.parse(fs.readFileSync(referencePath, "utf8"))
  : (shipped as Ref);

describe("use-case catalog in the product", () => {
  it("has the reference's 4 goals and 25 use cases, in order", () => {
    const goals = businessGoals();
    expect(goals.map((g) => [g.id, g.name])).toEqual(reference.goals.map((g) => [g.id, g.name]));
    expect(goals.flatMap((g) => g.useCases)).toHaveLength(25);
    expect(reference.goals.flatMap((g) => g.useCases)).toHaveLength(25);
  });

  it("matches every use case exactly: name, description, events, properties, sources, destinations", () => {
    const product = businessGoals().map((g) => ({
      id: g.id,
      name: g.name,
      summary: g.summary,
      useCases: g.useCases.map((u) => ({
        name: u.name,
        description: u.description,
        events: u.events.map((e) => ({ event: e.event, properties: [...e.properties] })),
        sources: [...u.sources],
        destinations: [...u.destinations],
      })),
    }));
    expect(product).toEqual(reference.goals);
  });

  it("finds each use case by goal and slug, with recommendations resolved", () => {
    for (const g of businessGoals())
      for (const u of g.useCases) {
        expect(getUseCase(g.id, u.slug)).toBe(u);
        const rec = recommendationsForUseCase(u);
        expect(rec.sources.map((s) => s.category)).toEqual(u.sources);
        expect(rec.destinations.map((d) => d.category)).toEqual(u.destinations);
      }
    const winback = getUseCase("personalize-communications", "personalize-winback");
    expect(winback?.events.map((e) => e.event)).toEqual(["Page Viewed", "Page Scrolled", "Order Completed"]);
    expect(winback?.events[2]?.properties).toEqual([
      "num_items",
      "order_id",
      "checkout_id",
      "total",
      "revenue",
      "shipping",
      "tax",
      "affiliation",
      "products",
    ]);
    expect(winback?.sources).toEqual(["Website", "Mobile", "Reverse ETL"]);
  });
});
