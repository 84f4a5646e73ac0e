import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";

// Serves Segment's own analytics.js build (@segment/analytics-next, unmodified) the way Segment's
// CDN does, so the standard snippet can load it from this server instead of cdn.segment.com:
//   /analytics.js/v1/:writeKey/analytics.min.js  -> the standalone build
//   /analytics-next/bundles/:chunk.js            -> the chunks it loads lazily

const require = createRequire(import.meta.url);
const dir = path.join(path.dirname(require.resolve("@segment/analytics-next/package.json")), "dist", "umd");
const LOADER = /^\/analytics\.js\/v1\/[A-Za-z0-9_-]{1,100}\/analytics(\.min)?\.js$/;
const CHUNK = /^\/analytics-next\/bundles\/([A-Za-z0-9_-]+\.bundle\.[a-f0-9]+\.js)$/;

const cache = new Map<string, Buffer>();
function read(file: string): Buffer | null {
  let body = cache.get(file);
  if (!body) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) return null;
    body = fs.readFileSync(full);
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
  const file = LOADER.test(pathname) ? "standalone.js" : chunk;
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
