import { slugify } from "@/lib/slug";
import { destinationTypesInCategory } from "./registry";
import { sourceTypesForUseCaseCategory } from "./sources";
import type { DestinationCategory, DestinationType, SourceType } from "./types";
import data from "./use-cases.json" with { type: "json" };

// Business goals and use cases from the Segment Use Cases Reference (./use-cases.json is a copy of
// shared/reference/use-cases.json so the product runs on its own). Descriptions and key
// considerations per goal come from Segment's "Choosing a Use Case" guide.

export interface UseCaseEvent {
  event: string;
  properties: string[];
}

export interface UseCase {
  /** Slugified name, unique within its goal ("Build high-value lookalikes" -> build-high-value-lookalikes). */
  slug: string;
  name: string;
  description: string;
  events: UseCaseEvent[];
  /** Recommended source categories (Website, Mobile, Reverse ETL, Advertising). */
  sources: string[];
  /** Recommended destination categories. */
  destinations: DestinationCategory[];
}

export interface BusinessGoal {
  id: string;
  name: string;
  summary: string;
  description: string;
  keyConsiderations: string[];
  useCases: UseCase[];
}

const goalText: Record<string, { description: string; keyConsiderations: string[] }> = {
  "optimize-advertising": {
    description:
      "The Optimize advertising business goal focuses on improving the efficiency and effectiveness of your advertising efforts. By using your customer data effectively, you can create more targeted campaigns, reduce wasted ad spend, and increase your return on investment (ROI).",
    keyConsiderations: [
      "Are you looking to expand your customer base with similar high-value customers?",
      "Do you need to drive app installations?",
      "Are you trying to increase signups or prevent cart abandonment?",
      "Do you want to retain high-value customers or optimize your ad spend?",
    ],
  },
  "personalize-first-conversion": {
    description:
      "The Personalize first conversion goal focuses on optimizing the initial interactions a potential customer has with your brand. By personalizing these early touchpoints, you can increase the likelihood of converting prospects into customers.",
    keyConsiderations: [
      "Are you looking to increase app installations or user sign-ups?",
      "Do you want to improve your onboarding process?",
      "Are you trying to convert free users to paid subscribers?",
      "Do you need to reduce cart abandonment rates?",
    ],
  },
  "boost-retention": {
    description:
      "The Boost retention, upsell, and cross-sell business goal focuses on maximizing the value of your existing customer base. By analyzing customer behavior and preferences, you can create targeted strategies to encourage repeat purchases, introduce customers to higher-value products or services, and increase overall customer lifetime value.",
    keyConsiderations: [
      "Do you want to find more customers who share traits with your most valuable existing customers?",
      "Are you looking to increase the frequency of purchases from existing customers?",
      "Do you need to prevent churn among your high-value customers?",
      "Do you need to personalize your upsell or cross-sell efforts?",
    ],
  },
  "personalize-communications": {
    description:
      "The Personalize communications and product experiences business goal focuses on creating tailored experiences for your customers across all touchpoints. With this business goal, you can create more relevant and engaging communications and product experiences, leading to increased satisfaction and loyalty.",
    keyConsiderations: [
      "Do you want to personalize your onboarding process?",
      // The source page reads "Do youw want"; the typo is fixed here.
      "Do you want to increase customer engagement and repeat purchases?",
      "Do you need to create targeted content for different user segments?",
      "Are you trying to re-engage inactive customers?",
    ],
  },
};

export { slugify };

const GOALS: readonly BusinessGoal[] = data.goals.map((g) => ({
  id: g.id,
  name: g.name,
  summary: g.summary,
  description: goalText[g.id]?.description ?? g.summary,
  keyConsiderations: goalText[g.id]?.keyConsiderations ?? [],
  useCases: g.useCases.map((u) => ({
    slug: slugify(u.name),
    name: u.name,
    description: u.description,
    events: u.events,
    sources: u.sources,
    destinations: u.destinations as DestinationCategory[],
  })),
}));

/** The four business goals, in the reference's order. */
export function businessGoals(): readonly BusinessGoal[] {
  return GOALS;
}

export function getBusinessGoal(goalId: string): BusinessGoal | undefined {
  return GOALS.find((g) => g.id === goalId);
}

export function getUseCase(goalId: string, useCaseSlug: string): UseCase | undefined {
  return getBusinessGoal(goalId)?.useCases.find((u) => u.slug === useCaseSlug);
}

/** A use case's recommendations resolved to this catalog's source and destination types. */
export function recommendationsForUseCase(useCase: UseCase): {
  sources: { category: string; types: SourceType[] }[];
  destinations: { category: DestinationCategory; types: DestinationType[] }[];
} {
  return {
    sources: useCase.sources.map((category) => ({
      category,
      types: sourceTypesForUseCaseCategory(category),
    })),
    destinations: useCase.destinations.map((category) => ({
      category,
      types: destinationTypesInCategory(category),
    })),
  };
}
