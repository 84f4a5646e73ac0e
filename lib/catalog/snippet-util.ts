import type { SnippetContext } from "./types";

// Helpers shared by the install snippets. No Node APIs: the browser renders snippets too.

export interface Endpoint {
  /** publicUrl without a trailing slash, e.g. https://cdp.example.com or http://localhost:3000 */
  base: string;
  /** host[:port] plus any path prefix, no scheme: what analytics.js and the mobile SDKs call apiHost. */
  hostPath: string;
  hostname: string;
  port: number;
  /** Path prefix when Switchyard is served under a sub-path ("" otherwise). */
  prefix: string;
  protocol: "http" | "https";
}

export function endpoint(ctx: SnippetContext): Endpoint {
  // A bare host ("cdp.example.com") is read as https; anything unparsable still renders something.
  const raw = ctx.publicUrl.trim();
  const u = parseHttpUrl(raw) ?? parseHttpUrl(`https://${raw}`);
  if (!u) return { base: raw, hostPath: raw, hostname: raw, port: 443, prefix: "", protocol: "https" };
  const protocol = u.protocol === "http:" ? "http" : "https";
  const prefix = u.pathname.replace(/\/+$/, "");
  return {
    base: `${u.origin}${prefix}`,
    hostPath: `${u.host}${prefix}`,
    hostname: u.hostname,
    port: u.port ? Number(u.port) : protocol === "https" ? 443 : 80,
    prefix,
    protocol,
  };
}

function parseHttpUrl(value: string): URL | null {
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:" ? u : null;
  } catch {
    return null;
  }
}

/** A double-quoted string literal (valid in JS, TS, JSON, Go, Java, Kotlin and Swift). */
export const dq = (s: string) => JSON.stringify(s);

/** A single-quoted string literal (PHP, Ruby, Python). */
export const sq = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** Base64 of the UTF-8 bytes of `text`, without Buffer. */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Note for SDKs that always use TLS when the server is only reachable over plain HTTP. */
export function tlsNote(e: Endpoint, comment: string): string {
  return e.protocol === "https"
    ? ""
    : `${comment} This library always connects over HTTPS: serve Switchyard over TLS (or a TLS proxy) first.\n`;
}
