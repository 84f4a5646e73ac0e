import { baseUrl, buildSettings, secret, text } from "../fields";
import type { DestinationType } from "../types";

// Measurement Protocol: POST {baseUrl}/mp/collect?measurement_id=…&api_secret=… with
// { client_id, user_id, events: [{ name, params }] }. track events are snake_cased to GA4 event
// names; page becomes page_view.
export const googleAnalytics4: DestinationType = {
  id: "google-analytics-4",
  name: "Google Analytics 4",
  category: "Analytics",
  description: "Web analytics via the GA4 Measurement Protocol.",
  supportedTypes: ["track", "page"],
  docsUrl: "https://developers.google.com/analytics/devguides/collection/protocol/ga4",
  ...buildSettings([
    text("measurementId", {
      label: "Measurement ID",
      required: true,
      placeholder: "G-XXXXXXXXXX",
      pattern: /^G-[A-Z0-9]{4,}$/,
      patternMessage: "A GA4 measurement ID looks like G-XXXXXXXXXX",
      help: "Admin → Data streams → your web stream.",
    }),
    secret("apiSecret", {
      label: "Measurement Protocol API secret",
      required: true,
      help: "Admin → Data streams → Measurement Protocol API secrets → Create.",
    }),
    baseUrl({
      default: "https://www.google-analytics.com",
      help: "Use https://region1.google-analytics.com to collect in the EU.",
    }),
  ]),
  endpointField: "baseUrl",
  example: { measurementId: "G-2B4C6D8E0F", apiSecret: "aBcDeFgHiJkLmNoPqRsTuV" },
};
