import { baseUrl, buildSettings, secret } from "../fields";
import type { DestinationType } from "../types";

// Capture API: POST {baseUrl}/batch/ { api_key, batch: [...] }. track -> event, page ->
// $pageview, screen -> $screen, identify -> $identify with $set, group -> $groupidentify,
// alias -> $create_alias.
export const posthog: DestinationType = {
  id: "posthog",
  name: "PostHog",
  category: "Analytics",
  description: "Product analytics (cloud or self-hosted). Events go to the PostHog capture API.",
  supportedTypes: ["track", "identify", "page", "screen", "group", "alias"],
  docsUrl: "https://posthog.com/docs/api/capture",
  ...buildSettings([
    secret("apiKey", {
      label: "Project API key",
      required: true,
      placeholder: "phc_…",
      help: "Project settings → Project API key (starts with phc_).",
    }),
    baseUrl({
      default: "https://us.i.posthog.com",
      help: "PostHog host: https://us.i.posthog.com (US Cloud), https://eu.i.posthog.com (EU Cloud) or your self-hosted URL.",
    }),
  ]),
  endpointField: "baseUrl",
  example: { apiKey: "phc_Jk3nTq8sVw2xYz4aBc6dEf8gHi0jKl2mNo4pQr6sTu8", baseUrl: "https://eu.i.posthog.com" },
};
