import type { ErrorType } from "@/lib/delivery/errors";

// Shapes shared by the partner mappings, the HTTP client and the workers.

export type Message = Record<string, unknown>;
export type Settings = Record<string, unknown>;

export type DeliveryStatus = "delivered" | "not_delivered" | "filtered" | "unsupported" | "retrying";

/** One HTTP request to a destination: what a mapping builds and what a failure sample shows. */
export interface OutboundRequest {
  method: "POST" | "PUT" | "PATCH" | "GET";
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface PartnerResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text, truncated to the client's limit. */
  body: string;
}

/**
 * What a mapping makes of one message: a request (with an optional follow-up step that reads the
 * response, for partners whose upsert takes two calls), nothing to send (filtered by a setting,
 * or no equivalent at the partner), or a message the partner would reject anyway.
 */
export type MapResult =
  | { kind: "request"; request: OutboundRequest; next?: (response: PartnerResponse) => MapResult | null }
  | { kind: "skip"; status: "filtered" | "unsupported"; errorType: ErrorType; reason: string }
  | { kind: "invalid"; reason: string };

/** How one response is judged. */
export type Verdict =
  | { ok: true }
  | { ok: false; retry: boolean; errorType: ErrorType; message: string; retryAfterMs?: number };

/** What a mapping may know besides the message: where it came from. */
export interface MapContext {
  sourceId: string;
}

export interface DestinationMapping {
  /** A pure function of the message (as the filters left it) and the full, decrypted settings. */
  build(message: Message, settings: Settings, ctx?: MapContext): MapResult;
  /** Several messages in one request, for destinations that batch (batching() not null). */
  buildBatch?(messages: Message[], settings: Settings): OutboundRequest;
  batching?(settings: Settings): { size: number; windowMs: number } | null;
  /** For partners that report errors in 2xx bodies, or whose error codes say more than the status. */
  classify?(response: PartnerResponse): Verdict | undefined;
}

export const request = (
  req: OutboundRequest,
  next?: (res: PartnerResponse) => MapResult | null,
): MapResult => (next ? { kind: "request", request: req, next } : { kind: "request", request: req });

export const unsupported = (reason: string): MapResult => ({
  kind: "skip",
  status: "unsupported",
  errorType: "unsupported_event",
  reason,
});

export const filteredBySettings = (reason: string): MapResult => ({
  kind: "skip",
  status: "filtered",
  errorType: "event_not_selected",
  reason,
});

export const invalid = (reason: string): MapResult => ({ kind: "invalid", reason });
