import type { ServerResponse } from "node:http";
import { type ParsedBody, parseJsonObject } from "@/lib/ingest/body";
import { formatKb, MAX_MESSAGE_BYTES } from "@/lib/ingest/limits";
import type { Outcome, Responder } from "@/lib/ingest/pipeline";
import { CORS_HEADERS, IngestError } from "@/lib/ingest/responses";

// Pixel API (GET /v1/pixel/<type>?data=<base64 JSON>) for e-mail opens and pages where only an
// <img> can run. Always answers a 1x1 GIF so nothing renders broken; unlike Segment (always
// 200) failures keep their real status (400/401/403/429/503) and say why in X-Error.

export const PIXEL_GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

const GIF_HEADERS = {
  ...CORS_HEADERS,
  "content-type": "image/gif",
  "content-length": String(PIXEL_GIF.length),
  // Every open must reach us: no browser, proxy or mail client cache.
  "cache-control": "no-store, max-age=0",
};

/** Header-safe: printable ASCII only, bounded length. */
const headerText = (text: string) => text.replace(/[^\x20-\x7e]/g, "?").slice(0, 300);

export function sendGif(res: ServerResponse, error?: IngestError): void {
  if (!error) {
    res.writeHead(200, GIF_HEADERS);
  } else {
    res.writeHead(error.status, {
      ...GIF_HEADERS,
      ...error.headers,
      "x-error-code": error.code,
      "x-error": headerText(error.message),
    });
  }
  res.end(PIXEL_GIF);
}

export const gifResponder: Responder = {
  ok(res, outcome: Outcome) {
    const reason = outcome.rejected[0]?.reason;
    sendGif(res, reason ? new IngestError(400, "invalid_message", reason) : undefined);
  },
  error: (res, err) => sendGif(res, pixelError(err)),
};

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const PIXEL_DATA = "The pixel's data parameter";

/** The message in `?data=`: base64 (standard or URL-safe) JSON, or URL-encoded raw JSON. */
export function decodePixelData(query: string): ParsedBody {
  const data = new URLSearchParams(query).get("data");
  if (!data) {
    throw new IngestError(400, "invalid_body", "The pixel URL has no ?data=<base64-encoded JSON message>");
  }
  const trimmed = data.trim();
  // URLSearchParams turns an unescaped "+" of standard base64 into a space.
  const base64 = trimmed.replace(/ /g, "+");
  if (!trimmed.startsWith("{") && !BASE64.test(base64)) {
    throw new IngestError(
      400,
      "invalid_body",
      `${PIXEL_DATA} is neither base64 nor JSON (base64 uses A-Z a-z 0-9 + / or - _, and = at the end)`,
    );
  }
  const bytes = trimmed.startsWith("{") ? Buffer.from(trimmed, "utf8") : Buffer.from(base64, "base64");
  if (bytes.length > MAX_MESSAGE_BYTES) {
    throw new IngestError(
      400,
      "message_too_large",
      `${PIXEL_DATA} exceeds the ${formatKb(MAX_MESSAGE_BYTES)} limit per message`,
    );
  }
  const parsed = parseJsonObject(
    bytes,
    trimmed.startsWith("{") ? PIXEL_DATA : `${PIXEL_DATA}, base64-decoded,`,
  );
  return { ...parsed, direct: true }; // an <img> is fetched by the viewer's own client
}

/** Errors worded for someone looking at an <img> URL, not at an HTTP client. */
function pixelError(err: IngestError): IngestError {
  if (err.code === "missing_write_key") {
    return new IngestError(
      401,
      err.code,
      'Missing write key: add "writeKey" to the JSON in the pixel\'s data',
    );
  }
  return err;
}
