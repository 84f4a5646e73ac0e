import { algoliaInsights } from "./destinations/algolia-insights";
import { amplitude } from "./destinations/amplitude";
import { braze } from "./destinations/braze";
import { clickhouse } from "./destinations/clickhouse";
import { customerio } from "./destinations/customerio";
import { functionDestination } from "./destinations/function";
import { googleAnalytics4 } from "./destinations/google-analytics-4";
import { httpTrackingApi } from "./destinations/http-tracking-api";
import { intercom } from "./destinations/intercom";
import { metaConversionsApi } from "./destinations/meta-conversions-api";
import { mixpanel } from "./destinations/mixpanel";
import { postgres } from "./destinations/postgres";
import { posthog } from "./destinations/posthog";
import { slack } from "./destinations/slack";
import { webhook } from "./destinations/webhook";
import { DESTINATION_CATEGORIES, type DestinationCategory, type DestinationType } from "./types";

/** Every destination type, in catalog order (grouped by category). */
export const DESTINATION_TYPES: readonly DestinationType[] = [
  amplitude,
  mixpanel,
  posthog,
  googleAnalytics4,
  customerio,
  intercom,
  metaConversionsApi,
  algoliaInsights,
  braze,
  clickhouse,
  webhook,
  httpTrackingApi,
  slack,
  postgres,
];

/** Alias of DESTINATION_TYPES, matching `sourceTypes`. */
export const destinationTypes = DESTINATION_TYPES;

// Destination functions are looked up like any type but not offered in the catalog picker.
const byId = new Map([...DESTINATION_TYPES, functionDestination].map((t) => [t.id, t]));

export function getDestinationType(id: string): DestinationType | undefined {
  return byId.get(id);
}

export class UnknownDestinationTypeError extends Error {
  constructor(readonly typeId: string) {
    super(`Unknown destination type: ${typeId}`);
  }
}

/** Like getDestinationType, but throws UnknownDestinationTypeError. */
export function requireDestinationType(id: string): DestinationType {
  const type = byId.get(id);
  if (!type) throw new UnknownDestinationTypeError(id);
  return type;
}

export function isDestinationCategory(value: string): value is DestinationCategory {
  return (DESTINATION_CATEGORIES as readonly string[]).includes(value);
}

/**
 * Destination types in a category. The use-case reference names destination categories with the
 * same spelling, so this also answers "which destinations fit this recommendation".
 */
export function destinationTypesInCategory(category: string): DestinationType[] {
  return DESTINATION_TYPES.filter((t) => t.category === category);
}

/** Categories in their canonical order, each with its destination types. */
export function destinationCatalog(): { category: DestinationCategory; types: DestinationType[] }[] {
  return DESTINATION_CATEGORIES.map((category) => ({
    category,
    types: destinationTypesInCategory(category),
  }));
}
