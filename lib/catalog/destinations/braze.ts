import { baseUrl, buildSettings, secret, select, text } from "../fields";
import type { DestinationType } from "../types";

// REST API with a Bearer key: POST {baseUrl}/users/track { attributes, events, purchases }.
// identify -> attributes (external_id = userId), track -> events, Order Completed -> purchases.
// Braze sends the push notifications and SMS from those profiles and events.
const instances: Record<string, string> = {
  "us-01": "https://rest.iad-01.braze.com",
  "us-02": "https://rest.iad-02.braze.com",
  "us-03": "https://rest.iad-03.braze.com",
  "us-04": "https://rest.iad-04.braze.com",
  "us-05": "https://rest.iad-05.braze.com",
  "us-06": "https://rest.iad-06.braze.com",
  "us-07": "https://rest.iad-07.braze.com",
  "us-08": "https://rest.iad-08.braze.com",
  "us-10": "https://rest.us-10.braze.com",
  "eu-01": "https://rest.fra-01.braze.eu",
  "eu-02": "https://rest.fra-02.braze.eu",
  "au-01": "https://rest.au-01.braze.com",
};

export const braze: DestinationType = {
  id: "braze",
  name: "Braze",
  category: "SMS & Push Notifications",
  description:
    "Push, SMS and in-app messaging. Keeps Braze user profiles, custom events and purchases current.",
  supportedTypes: ["identify", "track"],
  docsUrl: "https://www.braze.com/docs/api/endpoints/user_data/post_user_track/",
  ...buildSettings([
    secret("apiKey", {
      label: "REST API key",
      required: true,
      help: "Settings → APIs and Identifiers → Create API key with the users.track permission.",
    }),
    select("instance", {
      routing: true,
      label: "Instance",
      help: "Match your dashboard URL, e.g. dashboard-03.braze.com is US-03.",
      options: Object.entries(instances).map(([value, u]) => ({
        value,
        label: `${value.toUpperCase()} (${new URL(u).host})`,
      })),
      default: "us-01",
    }),
    baseUrl({ placeholder: instances["us-01"], help: "Leave blank to use the instance's REST endpoint." }),
    text("appId", {
      label: "App identifier",
      help: "Optional. Attributes events to one app (Settings → APIs and Identifiers → App identifiers).",
    }),
  ]),
  endpointField: "baseUrl",
  regions: { field: "instance", urls: instances },
  example: { apiKey: "a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6", instance: "eu-01" },
};
