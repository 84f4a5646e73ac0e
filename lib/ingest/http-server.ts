import http, { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { errorBody, type IngestErrorCode } from "@/lib/ingest/responses";

// The node:http server's own edges, before any handler runs: how long a client may take to send
// a request, and what it gets back when Node's parser refuses the bytes (a bad Content-Length,
// Content-Length together with chunked encoding, a NUL in a header, too many header bytes). Node
// answers those with a bare "400 Bad Request" and no body; these answers carry the tracking
// API's JSON error shape. Used by the product's server (scripts/server.ts) and the tests'.

export interface HttpTimeouts {
  /** Whole header block received within this (slow-header clients). */
  headersTimeoutMs: number;
  /** Whole request, headers and body, received within this (slow-body clients). */
  requestTimeoutMs: number;
  /** How often Node checks the two above; a request may live this much longer. */
  checkEveryMs: number;
}

export const HTTP_TIMEOUTS: HttpTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  checkEveryMs: 1_000,
};

/** Node's default, stated so the docs and the error message can name it. */
export const MAX_HEADER_BYTES = 16 * 1024;

export function httpServerOptions(timeouts: HttpTimeouts = HTTP_TIMEOUTS): http.ServerOptions {
  return {
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    connectionsCheckingInterval: timeouts.checkEveryMs,
    maxHeaderSize: MAX_HEADER_BYTES,
  };
}

interface ParserError extends Error {
  code?: string;
  reason?: string;
}

/** Status, code and message for an error Node raised before any handler saw the request. */
export function describeClientError(
  err: ParserError,
  timeouts: HttpTimeouts = HTTP_TIMEOUTS,
): { status: number; code: IngestErrorCode; message: string } {
  switch (err.code) {
    case "HPE_HEADER_OVERFLOW":
      return {
        status: 431,
        code: "headers_too_large",
        message: `Request headers exceed ${MAX_HEADER_BYTES / 1024} KB`,
      };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return {
        status: 408,
        code: "request_timeout",
        message: `The request was not received in time (headers within ${timeouts.headersTimeoutMs / 1000} s, the whole request within ${timeouts.requestTimeoutMs / 1000} s)`,
      };
    default: {
      const detail = (err.reason ?? err.message ?? "").replace(/^Parse Error:\s*/, "");
      return {
        status: 400,
        code: "malformed_request",
        message: `Malformed HTTP request${detail ? `: ${detail}` : ""}${err.code ? ` (${err.code})` : ""}`,
      };
    }
  }
}

/** Answers parser errors and timeouts with a JSON body where the socket still allows an answer. */
export function answerClientErrors(server: http.Server, timeouts: HttpTimeouts = HTTP_TIMEOUTS): void {
  server.on("clientError", (err: ParserError, socket: Duplex) => {
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, code, message } = describeClientError(err, timeouts);
    const body = JSON.stringify(errorBody(code, message));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        "Content-Type: application/json; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        "Access-Control-Allow-Origin: *\r\n" +
        "Connection: close\r\n\r\n" +
        body,
    );
  });
}

/** A server with both of the above; `handler` sees only well-formed requests. */
export function createHardenedServer(
  handler: http.RequestListener,
  timeouts: HttpTimeouts = HTTP_TIMEOUTS,
): http.Server {
  const server = http.createServer(httpServerOptions(timeouts), handler);
  answerClientErrors(server, timeouts);
  return server;
}
