import { baseUrl, buildSettings, secret } from "../fields";
import type { DestinationType } from "../types";

// Forwards messages unchanged to another Segment-compatible Tracking API:
// POST {baseUrl}/v1/batch { batch: [...] } with HTTP Basic auth (write key as the user name).
export const httpTrackingApi: DestinationType = {
  id: "http-tracking-api",
  name: "Segment-compatible HTTP Tracking API",
  category: "Raw Data/Webhooks",
  description: "Forward messages to Segment or to another Switchyard instance, unchanged.",
  supportedTypes: ["track", "identify", "page", "screen", "group", "alias"],
  docsUrl: "https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/",
  ...buildSettings([
    baseUrl({
      default: "https://api.segment.io",
      help: "Segment US: https://api.segment.io, Segment EU: https://events.eu1.segmentapis.com, or another Switchyard's public URL.",
    }),
    secret("writeKey", {
      label: "Write key",
      required: true,
      help: "The write key of the receiving source.",
    }),
  ]),
  endpointField: "baseUrl",
  example: { baseUrl: "https://cdp.example.org", writeKey: "wk_9Qe4Rt7Yu1Io3Pa6Sd8F" },
};
