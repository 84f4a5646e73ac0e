import type { ServerResponse } from "node:http";

// Every tracking API answer carries CORS headers (browsers post cross-origin with text/plain
// bodies) and every error has one shape: {"success":false,"error":{"code","message"}}.

export type IngestErrorCode =
  | "invalid_json"
  | "invalid_body"
  | "invalid_batch"
  | "invalid_message"
  | "message_too_large"
  | "batch_too_large"
  | "too_many_messages"
  | "missing_write_key"
  | "invalid_write_key"
  | "source_disabled"
  | "not_found"
  | "method_not_allowed"
  | "unsupported_encoding"
  | "rate_limited"
  | "malformed_request"
  | "request_timeout"
  | "headers_too_large"
  | "unavailable"
  | "internal";

export class IngestError extends Error {
  constructor(
    readonly status: number,
    readonly code: IngestErrorCode,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  // Without this a cross-origin client (analytics.js) cannot read Retry-After on a 429.
  "access-control-expose-headers": "Retry-After, X-RateLimit-Limit, X-RateLimit-Reset",
} as const;

export const PREFLIGHT_HEADERS = {
  ...CORS_HEADERS,
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "Authorization, Content-Type, Content-Encoding, X-Retry-Count",
  "access-control-max-age": "86400",
  "content-length": "0",
} as const;

const OK_BODY = '{"success":true}';
const OK_HEADERS = {
  ...CORS_HEADERS,
  "content-type": "application/json; charset=utf-8",
  "content-length": String(OK_BODY.length),
};

export function sendOk(res: ServerResponse): void {
  res.writeHead(200, OK_HEADERS);
  res.end(OK_BODY);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function errorBody(code: IngestErrorCode, message: string) {
  return { success: false as const, error: { code, message } };
}

export function sendError(res: ServerResponse, err: IngestError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, err.status, errorBody(err.code, err.message), err.headers);
}

/** Anything unexpected: logged, never echoed. Clients see a generic retryable 500. */
/**
 * The write key could not be looked up (on PostgreSQL: the database did not answer). Nothing was
 * stored; 503 tells Segment's libraries to retry, like a failed commit.
 */
export function writeKeyUnreadable(err: unknown): IngestError {
  console.error("[switchyard] write key could not be looked up:", err);
  return new IngestError(503, "unavailable", "Could not look up the write key; retry later");
}

export function internalError(err: unknown): IngestError {
  console.error("[switchyard] ingest error:", err);
  return new IngestError(500, "internal", "Something went wrong on our side; retry later");
}
