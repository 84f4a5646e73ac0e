// What a workspace owner can do about each kind of failure, as the Error details panel lists it.
// `to` names a place in the console; the panel turns it into a link for this destination.

export interface ErrorAction {
  text: string;
  to?: "settings" | "filters";
  label?: string;
}

const CHECK_URL: ErrorAction = {
  text: "Check the destination's URL.",
  to: "settings",
  label: "Open Settings",
};
const WAIT: ErrorAction = {
  text: "Failures like this are retried automatically with backoff until the retry deadline; messages that still fail are listed here as not delivered.",
};

export const ERROR_ACTIONS: Record<string, ErrorAction[]> = {
  unauthorized: [
    {
      text: "The destination refused the credentials. Check the API key, token or Authorization header in Settings.",
      to: "settings",
      label: "Check the API key in Settings",
    },
  ],
  not_found: [CHECK_URL],
  redirect: [{ ...CHECK_URL, text: "The endpoint moved. Replace the URL with the one it redirects to." }],
  blocked_address: [
    {
      text: "The host resolves to a private or metadata address. Use a public endpoint (or, on your own network, set ALLOW_PRIVATE_DESTINATIONS=true).",
      to: "settings",
      label: "Open Settings",
    },
  ],
  dns: [CHECK_URL, WAIT],
  invalid_settings: [
    { text: "Complete or re-enter the destination's settings.", to: "settings", label: "Open Settings" },
  ],
  server_error: [{ text: "The destination's server is failing. Check its status page or logs." }, WAIT],
  timeout: [{ text: "The destination answers too slowly. Check its status and capacity." }, WAIT],
  connection: [{ text: "The connection was refused or dropped. Check that the endpoint is up." }, WAIT],
  rate_limited: [
    {
      text: "The destination throttles requests. Drop events it does not need with filters, or raise its rate limit.",
      to: "filters",
      label: "Open Filters",
    },
    WAIT,
  ],
  request_timeout: [WAIT],
  bad_request: [
    {
      text: "The destination rejected the request as invalid. Compare the request with its API and the event you sent (samples below).",
    },
  ],
  payload_too_large: [
    {
      text: "Drop properties the destination does not need with a filter.",
      to: "filters",
      label: "Open Filters",
    },
  ],
  invalid_message: [
    { text: "Send the fields the destination requires (for example a userId) from your source." },
  ],
  partner_error: [{ text: "Read the response from the destination below: it explains what it refused." }],
  destination_disabled: [
    { text: "Enable the destination to deliver new messages.", to: "settings", label: "Open Settings" },
  ],
  archive_missing: [
    { text: "These messages left the archive before they could be sent; they cannot be retried." },
  ],
};

export const actionsFor = (errorType: string): ErrorAction[] =>
  ERROR_ACTIONS[errorType] ?? [{ text: "Look at the samples below to see what the destination answered." }];
