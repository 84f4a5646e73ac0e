import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";

// Serves Segment's own analytics.js build (@segment/analytics-next, unmodified but for a prologue,
// see LOADER_PROLOGUE) the way Segment's CDN does, so the standard snippet can load it from this server instead of cdn.segment.com:
//   /analytics.js/v1/:writeKey/analytics.min.js  -> the standalone build
//   /analytics-next/bundles/:chunk.js            -> the chunks it loads lazily

const require = createRequire(import.meta.url);
const dir = path.join(path.dirname(require.resolve("@segment/analytics-next/package.json")), "dist", "umd");
const LOADER_URL = /^\/analytics\.js\/v1\/[A-Za-z0-9_-]{1,100}\/analytics(\.min)?\.js$/;
const LOADER = "standalone.js";
const CHUNK = /^\/analytics-next\/bundles\/([A-Za-z0-9_-]+\.bundle\.[a-f0-9]+\.js)$/;

// The unmodified build recognises its CDN only from https:// script URLs (parse-cdn's
// /(https:\/\/.*)\/analytics\.js\/v1\//) and otherwise falls back to https://cdn.segment.com: so
// Segment's standard snippet pointed at this server over http fetched its settings from Segment
// and sent nothing. This prologue runs first and sets the CDN the build reads (analytics._cdn,
// which a page may also set itself: then it is left alone) to the origin and path this very
// script was loaded from, whatever the scheme, host or proxy prefix.
const LOADER_PROLOGUE = Buffer.from(
  `/* Switchyard: use the origin that served this file as the analytics.js CDN. */
(function () {
  try {
    var s = document.currentScript;
    if (!s || !s.src) return;
    var key = s.getAttribute("data-global-segment-analytics-key") || "analytics";
    var at = s.src.indexOf("/analytics.js/v1/");
    var a = (window[key] = window[key] || []);
    if (at > 0 && !a._cdn) a._cdn = s.src.slice(0, at);
  } catch (e) {}
})();
`,
);

const cache = new Map<string, Buffer>();
function read(file: string): Buffer | null {
  let body = cache.get(file);
  if (!body) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) return null;
    body = fs.readFileSync(full);
    if (file === LOADER) body = Buffer.concat([LOADER_PROLOGUE, body]);
    cache.set(file, body);
  }
  return body;
}

export function matchesBundle(url: string | undefined): boolean {
  return Boolean(url && (url.startsWith("/analytics.js/") || url.startsWith("/analytics-next/")));
}

export function serveBundle(req: IncomingMessage, res: ServerResponse): void {
  const pathname = (req.url ?? "").split("?")[0]!;
  const chunk = CHUNK.exec(pathname)?.[1];
  const file = LOADER_URL.test(pathname) ? LOADER : chunk;
  const body = file && (req.method === "GET" || req.method === "HEAD") ? read(file) : null;
  if (!body) {
    res.writeHead(404, { "content-type": "application/json", "access-control-allow-origin": "*" });
    res.end(JSON.stringify({ error: { code: "not_found", message: `No analytics.js file at ${pathname}` } }));
    return;
  }
  res.writeHead(200, {
    "content-type": "application/javascript; charset=utf-8",
    "access-control-allow-origin": "*",
    // Chunks are content-hashed; the loader changes with the package version.
    "cache-control": chunk ? "public, max-age=31536000, immutable" : "public, max-age=300",
    "content-length": body.length,
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
