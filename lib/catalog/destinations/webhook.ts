import { boolean, buildSettings, headers, number, secret, url } from "../fields";
import type { DestinationType } from "../types";

// POSTs each message (or, with batching on, { batch: [...] }) as JSON to the URL. With a signing
// secret, X-Signature carries the hex HMAC-SHA1 of the raw body, as Segment's webhook does.
export const webhook: DestinationType = {
  id: "webhook",
  name: "Webhook",
  category: "Raw Data/Webhooks",
  description: "POST every message as JSON to your own HTTP endpoint.",
  supportedTypes: ["track", "identify", "page", "screen", "group", "alias"],
  docsUrl: "https://segment.com/docs/connections/destinations/catalog/webhooks/",
  ...buildSettings([
    url("url", {
      label: "Webhook URL",
      required: true,
      routing: true,
      placeholder: "https://example.com/segment-events",
    }),
    headers("headers", {
      label: "Headers",
      secret: true,
      help: "Sent with every request, e.g. Authorization. Values are stored encrypted and never shown again.",
    }),
    secret("signingSecret", {
      label: "Signing secret",
      help: "When set, each request carries X-Signature: hex HMAC-SHA1 of the body keyed with this secret.",
    }),
    boolean("batching", {
      label: "Send in batches",
      help: "POST { batch: [...] } instead of one request per message.",
      default: false,
    }),
    number("batchSize", {
      label: "Maximum batch size",
      help: "Messages per request.",
      min: 1,
      max: 1000,
      default: 100,
    }),
    number("batchWindowSeconds", {
      label: "Batch window (seconds)",
      help: "Longest a message waits for its batch to fill.",
      min: 1,
      max: 300,
      default: 10,
    }),
  ]),
  endpointField: "url",
  example: {
    url: "https://hooks.example.com/switchyard",
    headers: [{ key: "Authorization", value: "Bearer 7d9f2c4a" }],
    signingSecret: "whsec_5e8a1c3b",
    batching: true,
    batchSize: 50,
  },
};
