import { baseUrl, buildSettings, secret, select, text } from "../fields";
import type { DestinationType } from "../types";

// Conversions API: POST {baseUrl}/{apiVersion}/{pixelId}/events?access_token=… with
// { data: [{ event_name, event_time, action_source, user_data (SHA-256 hashed), custom_data }] }.
export const metaConversionsApi: DestinationType = {
  id: "meta-conversions-api",
  name: "Meta Conversions API",
  category: "Advertising",
  description: "Send conversions server-side to Meta (Facebook, Instagram) for ad measurement and audiences.",
  supportedTypes: ["track", "page"],
  docsUrl: "https://developers.facebook.com/docs/marketing-api/conversions-api",
  ...buildSettings([
    text("pixelId", {
      label: "Pixel (dataset) ID",
      required: true,
      pattern: /^\d{5,20}$/,
      patternMessage: "A pixel ID is a number",
      help: "Events Manager → Data sources → your pixel → Settings.",
    }),
    secret("accessToken", {
      label: "Access token",
      required: true,
      help: "Events Manager → your pixel → Settings → Conversions API → Generate access token.",
    }),
    text("apiVersion", {
      label: "Graph API version",
      default: "v23.0",
      pattern: /^v\d+\.\d+$/,
      patternMessage: "Looks like v23.0",
    }),
    select("actionSource", {
      label: "Action source",
      help: "Where the conversions happened.",
      options: [
        "website",
        "app",
        "email",
        "phone_call",
        "chat",
        "physical_store",
        "system_generated",
        "other",
      ].map((v) => ({ value: v, label: v })),
      default: "website",
    }),
    text("testEventCode", {
      label: "Test event code",
      help: "From Events Manager → Test events. Remove it to go live.",
      placeholder: "TEST12345",
    }),
    baseUrl({ default: "https://graph.facebook.com" }),
  ]),
  endpointField: "baseUrl",
  example: {
    pixelId: "123456789012345",
    accessToken: "EAAB1234abcd",
    apiVersion: "v23.0",
    actionSource: "website",
  },
};
