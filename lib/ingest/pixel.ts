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
  error: (res, err) => sendGif(res, err),
};

/** The message in `?data=`: base64 (standard or URL-safe) JSON, or URL-encoded raw JSON. */
export function decodePixelData(query: string): ParsedBody {
  const data = new URLSearchParams(query).get("data");
  if (!data) throw new IngestError(400, "invalid_body", "Missing ?data=<base64-encoded JSON message>");
  const trimmed = data.trim();
  // URLSearchParams turns an unescaped "+" of standard base64 into a space.
  const bytes = trimmed.startsWith("{")
    ? Buffer.from(trimmed, "utf8")
    : Buffer.from(trimmed.replace(/ /g, "+"), "base64");
  if (bytes.length > MAX_MESSAGE_BYTES) {
    throw new IngestError(
      400,
      "message_too_large",
      `Pixel data exceeds the ${formatKb(MAX_MESSAGE_BYTES)} limit per message`,
    );
  }
  return parseJsonObject(bytes);
}
