import { algoliaInsightsMapping } from "@/lib/delivery/destinations/algolia-insights";
import { amplitudeMapping } from "@/lib/delivery/destinations/amplitude";
import { brazeMapping } from "@/lib/delivery/destinations/braze";
import { clickhouseMapping } from "@/lib/delivery/destinations/clickhouse";
import { customerioMapping } from "@/lib/delivery/destinations/customerio";
import { googleAnalytics4Mapping } from "@/lib/delivery/destinations/google-analytics-4";
import { httpTrackingApiMapping } from "@/lib/delivery/destinations/http-tracking-api";
import { intercomMapping } from "@/lib/delivery/destinations/intercom";
import { metaConversionsApiMapping } from "@/lib/delivery/destinations/meta-conversions-api";
import { mixpanelMapping } from "@/lib/delivery/destinations/mixpanel";
import { posthogMapping } from "@/lib/delivery/destinations/posthog";
import { slackMapping } from "@/lib/delivery/destinations/slack";
import { webhookMapping } from "@/lib/delivery/destinations/webhook";
import type { DestinationMapping } from "@/lib/delivery/types";
import { functionMapping } from "@/lib/functions/delivery";

// Catalog destination type id -> how its messages become HTTP requests. One file per partner.

export const MAPPINGS: Readonly<Record<string, DestinationMapping>> = {
  "algolia-insights": algoliaInsightsMapping,
  amplitude: amplitudeMapping,
  braze: brazeMapping,
  clickhouse: clickhouseMapping,
  customerio: customerioMapping,
  function: functionMapping,
  "google-analytics-4": googleAnalytics4Mapping,
  "http-tracking-api": httpTrackingApiMapping,
  intercom: intercomMapping,
  "meta-conversions-api": metaConversionsApiMapping,
  mixpanel: mixpanelMapping,
  posthog: posthogMapping,
  slack: slackMapping,
  webhook: webhookMapping,
};

export function getMapping(typeId: string): DestinationMapping | undefined {
  return Object.hasOwn(MAPPINGS, typeId) ? MAPPINGS[typeId] : undefined;
}
