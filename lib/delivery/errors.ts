import type { PartnerResponse, Verdict } from "@/lib/delivery/types";
import { ROUTE_STEP_ERROR_TYPES } from "@/lib/routing/steps";

// Every reason a delivery is not (yet) delivered, with the words the dashboards show. `retry`
// says whether the failure is worth another attempt; the filtered/unsupported reasons are not
// failures at all and are listed here so every outcome row has a described type.

export const ERROR_TYPES = {
  timeout: {
    retry: true,
    title: "Timed out",
    description: "The destination did not answer within the request timeout.",
  },
  connection: {
    retry: true,
    title: "Connection failed",
    description:
      "The connection could not be opened or was dropped before a full answer (refused, reset or closed).",
  },
  dns: { retry: true, title: "Host not found", description: "The destination's host name did not resolve." },
  server_error: {
    retry: true,
    title: "Server error",
    description: "The destination answered with a 5xx status.",
  },
  rate_limited: {
    retry: true,
    title: "Rate limited",
    description: "The destination answered 429 Too Many Requests; retried after its Retry-After.",
  },
  request_timeout: {
    retry: true,
    title: "Request timeout",
    description: "The destination answered 408 Request Timeout.",
  },
  bad_request: {
    retry: false,
    title: "Bad request",
    description: "The destination rejected the request as invalid (400).",
  },
  unauthorized: {
    retry: false,
    title: "Not authorized",
    description: "The destination refused the credentials (401 or 403). Check the destination's settings.",
  },
  not_found: {
    retry: false,
    title: "Not found",
    description: "The destination's URL does not exist (404 or 410).",
  },
  payload_too_large: {
    retry: false,
    title: "Too large",
    description: "The destination refused the request size (413).",
  },
  rejected: {
    retry: false,
    title: "Rejected",
    description: "The destination answered with a 4xx status; not retried.",
  },
  redirect: {
    retry: false,
    title: "Redirected",
    description: "The destination answered with a redirect; redirects are not followed. Update the URL.",
  },
  partner_error: {
    retry: false,
    title: "Error reported by the destination",
    description: "The destination answered 2xx but reported an error in the response body.",
  },
  invalid_message: {
    retry: false,
    title: "Missing required fields",
    description: "The message lacks what the destination requires (for example a user ID); nothing was sent.",
  },
  invalid_settings: {
    retry: false,
    title: "Invalid settings",
    description: "The destination's settings are incomplete or could not be read; nothing was sent.",
  },
  blocked_address: {
    retry: false,
    title: "Blocked address",
    description:
      "The destination's host resolves to a private, loopback, link-local or cloud-metadata address, which deliveries may not reach (ALLOW_PRIVATE_DESTINATIONS).",
  },
  archive_missing: {
    retry: false,
    title: "Message expired",
    description: "The message is no longer in the archive (past its retention), so it cannot be sent.",
  },
  destination_disabled: {
    retry: false,
    title: "Destination disabled",
    description: "The destination was disabled until the message's retry deadline passed.",
  },
  destination_paused: {
    retry: false,
    title: "Destination paused",
    description:
      "Delivery to the destination was paused until the message's retry deadline passed (the deadline keeps running while paused).",
  },
  discarded: {
    retry: false,
    title: "Discarded",
    description: "Someone discarded the message from the destination's queue; it was not sent again.",
  },
  event_not_selected: {
    retry: false,
    title: "Event not selected",
    description: "The destination's settings do not include this event.",
  },
  unsupported_event: {
    retry: false,
    title: "No equivalent at the destination",
    description: "The destination has no equivalent for this event.",
  },
  // The routing steps that can stop a message (integrations object, call types, destination
  // filters): named, ordered and described in one place.
  ...ROUTE_STEP_ERROR_TYPES,
  // Functions (lib/functions/delivery.ts): what a destination or insert function's code decided.
  insert_function: {
    retry: false,
    title: "Dropped by insert function",
    description:
      "The destination's insert function dropped the message (DropEvent, or its handler returned nothing).",
  },
  function_error: {
    retry: false,
    title: "Function error",
    description: "The function's code threw an error (Segment's Bad Request); not retried.",
  },
  function_rejected: {
    retry: false,
    title: "Message rejected by the function",
    description: "The function threw ValidationError or InvalidEventPayload.",
  },
  function_retry: {
    retry: true,
    title: "Retry requested by the function",
    description: "The function threw RetryError; the message is tried again with backoff.",
  },
  function_timeout: {
    retry: false,
    title: "Function CPU time limit",
    description:
      "The function ran longer than its CPU time limit and was stopped; not retried (the same code would loop again).",
  },
  function_limit: {
    retry: false,
    title: "Function memory or output limit",
    description: "The function used more memory or produced more output than its limits allow.",
  },
  function_unavailable: {
    retry: true,
    title: "Function restarting",
    description: "The function's sandbox was restarting (after another invocation broke a limit); retried.",
  },
  function_not_deployed: {
    retry: false,
    title: "Function cannot run",
    description: "The function has no deployed version, or its deployed code does not load.",
  },
} as const satisfies Record<string, { retry: boolean; title: string; description: string }>;

export type ErrorType = keyof typeof ERROR_TYPES;

const snippet = (body: string) => {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat ? `: ${flat.length > 200 ? `${flat.slice(0, 200)}…` : flat}` : "";
};

function header(res: PartnerResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Retry-After as a delay in ms: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The verdict on a response from its status alone (mappings may look at the body first). */
export function verdictForStatus(res: PartnerResponse, now: number): Verdict {
  const s = res.status;
  if (s >= 200 && s < 300) return { ok: true };
  const fail = (errorType: ErrorType, retry: boolean, retryAfterMs?: number): Verdict => ({
    ok: false,
    retry,
    errorType,
    message: `HTTP ${s}${snippet(res.body)}`,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
  const retryAfter = parseRetryAfter(header(res, "retry-after"), now);
  if (s >= 300 && s < 400) {
    const location = header(res, "location");
    return {
      ok: false,
      retry: false,
      errorType: "redirect",
      message: `HTTP ${s} to ${location ?? "(no Location)"}`,
    };
  }
  if (s === 429) return fail("rate_limited", true, retryAfter);
  if (s === 408) return fail("request_timeout", true, retryAfter);
  if (s >= 500) return fail("server_error", true, retryAfter);
  if (s === 400 || s === 422) return fail("bad_request", false);
  if (s === 401 || s === 403) return fail("unauthorized", false);
  if (s === 404 || s === 410) return fail("not_found", false);
  if (s === 413) return fail("payload_too_large", false);
  return fail("rejected", false);
}
