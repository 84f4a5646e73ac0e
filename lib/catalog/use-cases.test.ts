import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  businessGoals,
  DESTINATION_CATEGORIES,
  destinationTypesInCategory,
  getUseCase,
  recommendationsForUseCase,
  slugify,
  sourceCategoryNote,
  sourceTypesForUseCaseCategory,
} from "@/lib/catalog";
import shipped from "./use-cases.json" with { type: "json" };

const reference = path.resolve(import.meta.dirname, "../../../shared/reference/use-cases.json");

describe("use cases", () => {
  // The reference only exists in the development checkout; the product ships its own copy.
  it.skipIf(!fs.existsSync(reference))("ships the same data as shared/reference/use-cases.json", () => {
    expect(shipped).toEqual(JSON.parse(fs.readFileSync(reference, "utf8")));
  });

  it("has 4 goals and 25 use cases", () => {
    const goals = businessGoals();
    expect(goals.map((g) => g.id)).toEqual([
      "optimize-advertising",
      "personalize-first-conversion",
      "boost-retention",
      "personalize-communications",
    ]);
    expect(goals.reduce((n, g) => n + g.useCases.length, 0)).toBe(25);
    for (const g of goals) {
      expect(g.keyConsiderations, g.id).toHaveLength(4);
      expect(g.description.length).toBeGreaterThan(g.summary.length);
    }
  });

  it("gives every use case a stable, unique slug within its goal", () => {
    expect(slugify("Boost retention, upsell, and cross-sell")).toBe("boost-retention-upsell-and-cross-sell");
    expect(slugify("Build high-value lookalikes")).toBe("build-high-value-lookalikes");
    for (const g of businessGoals()) {
      const slugs = g.useCases.map((u) => u.slug);
      expect(new Set(slugs).size).toBe(slugs.length);
      for (const u of g.useCases) {
        expect(u.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(getUseCase(g.id, u.slug)).toBe(u);
      }
    }
    expect(
      getUseCase("optimize-advertising", "mitigate-cart-abandonment")?.events.map((e) => e.event),
    ).toEqual(["Checkout Started", "Order Completed"]);
    expect(getUseCase("optimize-advertising", "nope")).toBeUndefined();
    expect(getUseCase("nope", "mitigate-cart-abandonment")).toBeUndefined();
  });

  it("maps every recommended destination category to at least one destination type", () => {
    for (const g of businessGoals()) {
      for (const u of g.useCases) {
        for (const category of u.destinations) {
          expect(DESTINATION_CATEGORIES).toContain(category);
          expect(destinationTypesInCategory(category).length, `${u.name}: ${category}`).toBeGreaterThan(0);
        }
        expect(recommendationsForUseCase(u).destinations.every((d) => d.types.length > 0)).toBe(true);
      }
    }
  });

  it("maps every recommended source category to source types or explains why not", () => {
    for (const g of businessGoals()) {
      for (const u of g.useCases) {
        for (const category of u.sources) {
          const types = sourceTypesForUseCaseCategory(category);
          expect(types.length > 0 || sourceCategoryNote(category) !== undefined, category).toBe(true);
        }
      }
    }
  });
});
