import { baseUrl, buildSettings, secret, select, text } from "../fields";
import type { DestinationType } from "../types";

// Track API v1 with HTTP Basic auth (site ID : API key): identify -> PUT /api/v1/customers/{id}
// with traits as attributes; track/page/screen -> POST /api/v1/customers/{id}/events (type
// "event", "page" or "screen"); anonymous events -> POST /api/v1/events.
const regions = { us: "https://track.customer.io", eu: "https://track-eu.customer.io" };

export const customerio: DestinationType = {
  id: "customerio",
  name: "Customer.io",
  category: "Email Marketing",
  description: "Messaging automation. People and events go to the Customer.io Track API.",
  supportedTypes: ["identify", "track", "page", "screen"],
  docsUrl: "https://docs.customer.io/api/track/",
  ...buildSettings([
    text("siteId", {
      label: "Site ID",
      required: true,
      help: "Workspace Settings → API Credentials → Track API.",
    }),
    secret("apiKey", { label: "Track API key", required: true }),
    select("region", {
      routing: true,
      label: "Account region",
      options: [
        { value: "us", label: "US (track.customer.io)" },
        { value: "eu", label: "EU (track-eu.customer.io)" },
      ],
      default: "us",
    }),
    baseUrl({ placeholder: regions.us, help: "Leave blank to use the account region's endpoint." }),
  ]),
  endpointField: "baseUrl",
  regions: { field: "region", urls: regions },
  example: { siteId: "a1b2c3d4e5f6a7b8c9d0", apiKey: "f0e1d2c3b4a5f6e7d8c9", region: "eu" },
};
