import { baseUrl, buildSettings, secret, select, text } from "../fields";
import type { DestinationType } from "../types";

// Insights API: POST {baseUrl}/1/events { events: [...] } with X-Algolia-Application-Id and
// X-Algolia-API-Key. Ecommerce spec events map to insights events: Product Clicked -> click,
// Product Viewed -> view, Product Added / Order Completed -> conversion. They need
// properties.index and an object ID (properties.product_id or products[].product_id).
const regions = { us: "https://insights.us.algolia.io", de: "https://insights.de.algolia.io" };

export const algoliaInsights: DestinationType = {
  id: "algolia-insights",
  name: "Algolia Insights",
  category: "Personalization",
  description:
    "Feed click, view and conversion events to Algolia Personalization, Recommend and Dynamic Re-Ranking.",
  supportedTypes: ["track"],
  docsUrl: "https://www.algolia.com/doc/rest-api/insights/",
  ...buildSettings([
    text("applicationId", { label: "Application ID", required: true, placeholder: "ABCDEF1234" }),
    secret("apiKey", {
      label: "API key",
      required: true,
      help: "An API key with the search ACL (the search-only key works).",
    }),
    select("region", {
      routing: true,
      label: "Analytics region",
      options: [
        { value: "us", label: "United States (insights.us.algolia.io)" },
        { value: "de", label: "Germany (insights.de.algolia.io)" },
      ],
      default: "us",
    }),
    baseUrl({ placeholder: regions.us, help: "Leave blank to use the analytics region's endpoint." }),
  ]),
  endpointField: "baseUrl",
  regions: { field: "region", urls: regions },
  example: { applicationId: "LATENCY42X", apiKey: "6be0576ff61c053d5f9a3225e2a90f76", region: "de" },
};
