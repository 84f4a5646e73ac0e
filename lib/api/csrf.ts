import { AppError } from "@/lib/errors";

// Cross-site request forgery guard for the console API (docs/security.md#csrf). A browser attaches
// the session cookie to requests a foreign page makes, so every mutating request must prove it
// came from a page of this console: a JSON body (a cross-site <form> can only send
// form-encoded or text/plain bodies without a CORS preflight we never grant) and an Origin /
// Sec-Fetch-Site that names this origin. Safe methods (GET, HEAD, OPTIONS) change nothing.

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

function hasBody(req: Request): boolean {
  const length = req.headers.get("content-length");
  if (length !== null) return Number(length) > 0;
  return req.headers.has("transfer-encoding");
}

function isJson(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return type === "application/json";
}

/** The origins this request may come from: the configured public URL and the Host it was sent to. */
function ownOrigins(req: Request, publicUrl: string | undefined): Set<string> {
  const origins = new Set<string>();
  if (publicUrl) origins.add(new URL(publicUrl).origin);
  const url = new URL(req.url);
  origins.add(url.origin);
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? url.protocol.slice(0, -1);
  for (const host of [req.headers.get("host"), req.headers.get("x-forwarded-host")?.split(",")[0]?.trim()]) {
    if (host) origins.add(`${proto}://${host}`.toLowerCase());
  }
  return origins;
}

/**
 * Throws unless a mutating request is JSON (415) and same-origin (403). Requests without an Origin
 * header are refused too: every browser sends one on POST, PUT, PATCH and DELETE, and scripts that
 * call the API with a session cookie can send it as easily.
 */
export function assertSameOriginJson(req: Request, publicUrl?: string): void {
  const method = req.method.toUpperCase();
  if (SAFE.has(method)) return;
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none")
    throw new AppError("forbidden", `Cross-site request refused (Sec-Fetch-Site: ${site})`);
  const origin = req.headers.get("origin");
  if (!origin || origin === "null")
    throw new AppError("forbidden", "Cross-site request refused: the request has no Origin header");
  if (!ownOrigins(req, publicUrl).has(origin.toLowerCase()))
    throw new AppError("forbidden", `Cross-site request refused: Origin ${origin} is not this console`);
  if ((method !== "DELETE" || hasBody(req)) && !isJson(req.headers.get("content-type")))
    throw new AppError(
      "unsupported_media_type",
      "Send the request body as JSON (Content-Type: application/json)",
    );
}
