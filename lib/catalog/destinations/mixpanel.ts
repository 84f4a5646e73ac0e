import { baseUrl, buildSettings, secret, select } from "../fields";
import type { DestinationType } from "../types";

// Ingestion API: POST {baseUrl}/track (events, token in properties), /engage ($set profile
// properties for identify), /groups (group profiles). The project token identifies the project.
const regions = {
  us: "https://api.mixpanel.com",
  eu: "https://api-eu.mixpanel.com",
  in: "https://api-in.mixpanel.com",
};

export const mixpanel: DestinationType = {
  id: "mixpanel",
  name: "Mixpanel",
  category: "Analytics",
  description: "Product analytics. Events go to /track, identify traits to /engage, groups to /groups.",
  supportedTypes: ["track", "identify", "page", "screen", "group"],
  docsUrl: "https://developer.mixpanel.com/reference/ingestion-api",
  ...buildSettings([
    secret("projectToken", {
      label: "Project token",
      required: true,
      help: "Project settings → Access keys.",
    }),
    select("region", {
      routing: true,
      label: "Data residency",
      options: [
        { value: "us", label: "US (api.mixpanel.com)" },
        { value: "eu", label: "EU (api-eu.mixpanel.com)" },
        { value: "in", label: "India (api-in.mixpanel.com)" },
      ],
      default: "us",
    }),
    baseUrl({ placeholder: regions.us, help: "Leave blank to use the data residency region's endpoint." }),
  ]),
  endpointField: "baseUrl",
  regions: { field: "region", urls: regions },
  example: { projectToken: "3f2c9e7d1b5a4c6e8f0a2b4c6d8e0f1a", region: "us" },
};
