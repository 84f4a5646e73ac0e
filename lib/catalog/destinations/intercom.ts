import { baseUrl, buildSettings, secret, select } from "../fields";
import type { DestinationType } from "../types";

// REST API with a Bearer access token: identify -> POST /contacts (or update by external_id),
// track -> POST /events { event_name, created_at, user_id, metadata }, group -> POST /companies
// and attach the contact.
const regions = {
  us: "https://api.intercom.io",
  eu: "https://api.eu.intercom.io",
  au: "https://api.au.intercom.io",
};

export const intercom: DestinationType = {
  id: "intercom",
  name: "Intercom",
  category: "Live Chat",
  description: "Customer messaging and live chat. Keeps contacts, companies and their events current.",
  supportedTypes: ["identify", "track", "group"],
  docsUrl: "https://developers.intercom.com/docs/references/rest-api/api.intercom.io",
  ...buildSettings([
    secret("accessToken", {
      label: "Access token",
      required: true,
      help: "Developer Hub → your app → Authentication. Needs read and write access to users, companies and events.",
    }),
    select("region", {
      routing: true,
      label: "Workspace region",
      options: [
        { value: "us", label: "US (api.intercom.io)" },
        { value: "eu", label: "Europe (api.eu.intercom.io)" },
        { value: "au", label: "Australia (api.au.intercom.io)" },
      ],
      default: "us",
    }),
    baseUrl({ placeholder: regions.us, help: "Leave blank to use the workspace region's endpoint." }),
  ]),
  endpointField: "baseUrl",
  regions: { field: "region", urls: regions },
  example: { accessToken: "dG9rOmFiY2RlZl8xMjM0NTY3ODkw", region: "us" },
};
