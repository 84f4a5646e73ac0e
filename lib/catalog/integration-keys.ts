import type { DestinationType } from "./types";

// The keys a message's `integrations` object may use to turn a destination type on or off: the
// catalog name plus the names Segment knows the same destination by (its "Destination Info" box,
// from segment-docs src/_data/catalog/destinations.yml `previous_names`), so objects written for
// Segment keep working. A key applies to every destination of the type: like Segment, a message
// cannot address one instance. Keys are case-sensitive. Pure data: the console shows it too.

const SEGMENT_NAMES: Record<string, readonly string[]> = {
  amplitude: ["Amplitude (Actions)", "Actions Amplitude"],
  mixpanel: ["Mixpanel (Actions)", "Mixpanel (Legacy)"],
  "google-analytics-4": [
    "Google Analytics 4 Cloud",
    "Actions Google Analytics 4",
    "Actions Google Analytic 4",
  ],
  customerio: ["Customer.io (Actions)", "Customer.io Actions", "Actions Customerio"],
  intercom: ["Intercom Cloud Mode (Actions)"],
  "meta-conversions-api": ["Facebook Conversions API (Actions)"],
  "algolia-insights": ["Algolia Insights (Actions)"],
  braze: ["Appboy", "Braze Cloud Mode (Actions)"],
  // Segment's classic webhook destination is "Webhooks"; its Actions version answers to both.
  webhook: ["Webhooks", "Webhooks (Actions)"],
  slack: ["Slack (Actions)", "Actions Slack"],
};

/** Every key that addresses this type in the integrations object, its catalog name first. */
export function integrationKeys(type: Pick<DestinationType, "id" | "name">): readonly string[] {
  return [type.name, ...(SEGMENT_NAMES[type.id] ?? []).filter((k) => k !== type.name)];
}
