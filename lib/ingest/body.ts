import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import zlib from "node:zlib";
import { describeJsonError } from "@/lib/ingest/json-error";
import { formatKb } from "@/lib/ingest/limits";
import { IngestError } from "@/lib/ingest/responses";

// Reads a request body of any content type (browsers send JSON as text/plain), optionally
// gzip/deflate-encoded, enforcing the byte limit before *and* after decompression.

export interface BodyLimit {
  bytes: number;
  /** Says which limit was hit, e.g. "the 32 KB limit per message". */
  label: string;
  code: "message_too_large" | "batch_too_large";
}

// After an oversized body we keep reading and discarding (so the client sees our 400 instead
// of a reset connection), but not forever.
const MAX_DISCARD_BYTES = 16 * 1024 * 1024;

function tooLarge(limit: BodyLimit, what: string): IngestError {
  return new IngestError(400, limit.code, `${what} exceeds ${limit.label} (${limit.bytes} bytes)`);
}

function discardRest(req: IncomingMessage): void {
  let discarded = 0;
  req.removeAllListeners("data");
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARD_BYTES) req.destroy();
  });
}

type Decoder = (buf: Buffer, options: zlib.ZlibOptions, cb: (err: Error | null, out: Buffer) => void) => void;

function decoderFor(encoding: string | undefined): Decoder | null | undefined {
  const value = encoding?.trim().toLowerCase();
  if (!value || value === "identity") return null;
  if (value === "gzip" || value === "x-gzip") return zlib.gunzip;
  if (value === "deflate") return zlib.inflate;
  return undefined;
}

/** Calls back with the decoded body, or an IngestError. `cb` runs exactly once. */
export function readBody(
  req: IncomingMessage,
  limit: BodyLimit,
  cb: (err: IngestError | null, body: Buffer | null) => void,
): void {
  const decoder = decoderFor(req.headers["content-encoding"]);
  if (decoder === undefined) {
    req.resume();
    cb(
      new IngestError(415, "unsupported_encoding", "Content-Encoding must be gzip, deflate or identity"),
      null,
    );
    return;
  }
  const declared = Number(req.headers["content-length"]);
  if (declared > limit.bytes) {
    discardRest(req);
    req.resume();
    cb(tooLarge(limit, "Request body"), null);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  req.on("data", (chunk: Buffer) => {
    if (done) return;
    size += chunk.length;
    if (size > limit.bytes) {
      done = true;
      discardRest(req);
      cb(tooLarge(limit, "Request body"), null);
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (done) return;
    done = true;
    const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    if (!decoder) {
      cb(null, raw);
      return;
    }
    // maxOutputLength stops inflating as soon as the limit is passed: a zip bomb costs us
    // at most `limit` bytes of memory.
    decoder(raw, { maxOutputLength: limit.bytes }, (err, out) => {
      if (!err) return cb(null, out);
      if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
        return cb(tooLarge(limit, "Decompressed request body"), null);
      }
      cb(
        new IngestError(
          400,
          "invalid_body",
          `Request body is not valid ${req.headers["content-encoding"]} data`,
        ),
        null,
      );
    });
  });
  req.on("error", () => {
    // Client went away mid-body: nobody is left to answer.
    done = true;
  });
}

export interface ParsedBody {
  value: Record<string, unknown>;
  /** The text had a \u escape: only then can strings hold U+0000 or lone surrogates. */
  escapes: boolean;
  /** Sent straight from the user's device, whatever the library says (pixels): fill context.ip. */
  direct?: boolean;
}

/**
 * Parses a body into a JSON object, with the error position when it is not one. `what` names the
 * body in errors ("Request body", "The pixel's data"). Bytes that are not UTF-8 are refused rather
 * than silently turned into U+FFFD.
 */
export function parseJsonObject(body: Buffer, what = "Request body"): ParsedBody {
  if (!isUtf8(body)) {
    throw new IngestError(400, "invalid_body", `${what} is not valid UTF-8; send JSON encoded as UTF-8`);
  }
  let text = body.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") {
    throw new IngestError(400, "invalid_body", `${what} is empty; expected a JSON object`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const described = describeJsonError(text, (err as Error).message);
    throw new IngestError(
      400,
      "invalid_json",
      what === "Request body" ? described : `${what} is not JSON: ${described}`,
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw new IngestError(400, "invalid_body", `${what} must be a JSON object, not ${kind}`);
  }
  return { value: value as Record<string, unknown>, escapes: text.includes("\\u") };
}

export const singleLimit = (bytes: number): BodyLimit => ({
  bytes,
  label: `the ${formatKb(bytes)} limit per message`,
  code: "message_too_large",
});

export const batchLimit = (bytes: number): BodyLimit => ({
  bytes,
  label: `the ${formatKb(bytes)} limit per batch request`,
  code: "batch_too_large",
});
