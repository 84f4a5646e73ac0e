import { baseUrl, buildSettings, number, secret, select } from "../fields";
import type { DestinationType } from "../types";

// HTTP V2 API: POST {baseUrl}/2/httpapi { api_key, events: [...] }. Identify maps to an
// "$identify" event with user_properties; page and screen become "Viewed <name>" events.
const regions = { us: "https://api2.amplitude.com", eu: "https://api.eu.amplitude.com" };

export const amplitude: DestinationType = {
  id: "amplitude",
  name: "Amplitude",
  category: "Analytics",
  description: "Product analytics. Events are sent to the Amplitude HTTP V2 API.",
  supportedTypes: ["track", "identify", "page", "screen"],
  docsUrl: "https://amplitude.com/docs/apis/analytics/http-v2",
  ...buildSettings([
    secret("apiKey", { label: "API key", required: true, help: "Project settings → General → API Key." }),
    select("region", {
      routing: true,
      label: "Data center",
      options: [
        { value: "us", label: "US (api2.amplitude.com)" },
        { value: "eu", label: "EU (api.eu.amplitude.com)" },
      ],
      default: "us",
    }),
    baseUrl({ placeholder: regions.us, help: "Leave blank to use the data center's endpoint." }),
    number("minIdLength", {
      label: "Minimum ID length",
      help: "Amplitude rejects user and device IDs shorter than this (Amplitude's default is 5).",
      min: 1,
      max: 100,
      default: 5,
    }),
  ]),
  endpointField: "baseUrl",
  regions: { field: "region", urls: regions },
  example: { apiKey: "0123456789abcdef0123456789abcdef", region: "eu" },
};
