// Where a browser may be sent after signing in: a path on this console, never another site.
// `//evil.example`, `/\evil.example`, `https://evil.example` and control characters (which
// browsers strip before resolving) all fall back to "/". Used by the login page, the login form
// and next-auth's redirect callback, so there is one rule.

const PROBE_ORIGIN = "http://switchyard.invalid";

/** A same-origin path (with query and hash) for `value`, or `fallback` when it points elsewhere. */
export function safeCallbackPath(value: unknown, publicUrl?: string, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return fallback;
  // Browsers drop tabs and newlines and treat "\" as "/" in URLs, so such input is never a plain path.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  let candidate = value;
  if (publicUrl && !value.startsWith("/")) {
    const own = new URL(publicUrl).origin;
    try {
      const absolute = new URL(value);
      if (absolute.origin !== own) return fallback;
      candidate = `${absolute.pathname}${absolute.search}${absolute.hash}`;
    } catch {
      return fallback;
    }
  }
  if (!candidate.startsWith("/") || candidate.startsWith("//")) return fallback;
  const resolved = new URL(candidate, PROBE_ORIGIN);
  if (resolved.origin !== PROBE_ORIGIN) return fallback;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

/** next-auth's redirect callback: same-origin URLs only, made absolute against `baseUrl`. */
export function sameOriginRedirect({ url, baseUrl }: { url: string; baseUrl: string }): string {
  return `${baseUrl.replace(/\/$/, "")}${safeCallbackPath(url, baseUrl)}`;
}
