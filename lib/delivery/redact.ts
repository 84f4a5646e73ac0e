import { getDestinationType, isSecretQueryParam, urlCredentials } from "@/lib/catalog";
import type { OutboundRequest, PartnerResponse, Settings } from "@/lib/delivery/types";

// Keeps credentials out of stored failure samples and logs. Three layers: headers and query
// parameters that carry credentials by name; every secret setting's value wherever it appears
// (raw, JSON-escaped or URL-encoded: Mixpanel's token sits in the body, a Slack webhook URL is
// itself the secret); and truncation, so a sample stays small.

export const REDACTED = "[REDACTED]";

const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "x-algolia-api-key",
  "x-clickhouse-key",
  "x-auth-token",
]);
/** Shorter secrets are redacted only where they are a whole value (a header, a query value). */
const MIN_SECRET_LENGTH = 4;
const CREDENTIAL = /\b(Basic|Bearer)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{6,}/g;

/**
 * The values of a destination's secret settings (including secret header values) and the
 * credentials inside its URL settings (userinfo, ?token=…), whatever their length.
 */
export function secretValues(typeId: string, settings: Settings): string[] {
  const out: string[] = [];
  for (const field of getDestinationType(typeId)?.fields ?? []) {
    const value = settings[field.key];
    if (field.kind === "url") out.push(...urlCredentials(value));
    if (!field.secret) continue;
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value))
      for (const h of value) if (h && typeof h.value === "string") out.push(h.value as string);
  }
  return out.filter((v) => v.length > 0);
}

/** Redacts text; `exact` holds the short secrets, replaced only where they are a whole value. */
export type Redactor = ((text: string) => string) & { exact?: ReadonlySet<string> };

/** Replaces every form of every secret; a secret URL keeps its origin so the sample still says where. */
export function redactor(secrets: readonly string[]): Redactor {
  const forms: [string, string][] = [];
  const long = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
  for (const s of [...long].sort((a, b) => b.length - a.length)) {
    let replacement = REDACTED;
    try {
      const u = new URL(s);
      if (u.protocol === "https:" || u.protocol === "http:") replacement = `${u.origin}/${REDACTED}`;
    } catch {}
    for (const form of new Set([s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]))
      forms.push([form, replacement]);
  }
  const redact: Redactor = (text) => {
    let out = text;
    for (const [form, replacement] of forms) if (out.includes(form)) out = out.split(form).join(replacement);
    // Credentials echoed back in some derived form (a Basic header holds "user:secret" in base64).
    return out.replace(CREDENTIAL, `$1 ${REDACTED}`);
  };
  redact.exact = new Set(secrets.filter((s) => s.length < MIN_SECRET_LENGTH && s.trim() !== ""));
  return redact;
}

const isShortSecret = (value: string, redact: Redactor) => redact.exact?.has(value.trim()) ?? false;

export function redactUrl(url: string, redact: Redactor): string {
  try {
    const u = new URL(url);
    for (const [key, value] of [...u.searchParams])
      if (isSecretQueryParam(key) || isShortSecret(value, redact)) u.searchParams.set(key, REDACTED);
    if (u.username) u.username = REDACTED;
    if (u.password) u.password = REDACTED;
    return redact(u.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED));
  } catch {
    return redact(url);
  }
}

export function redactHeaders(
  headers: Record<string, string | string[] | number | undefined>,
  redact: Redactor,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : String(value);
    out[name] =
      SECRET_HEADERS.has(name.toLowerCase()) || isShortSecret(text, redact) ? REDACTED : redact(text);
  }
  return out;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [truncated ${text.length - max} characters]` : text;
}

const MAX_BODY = 8 * 1024;

export function redactRequest(req: OutboundRequest, redact: Redactor) {
  return {
    method: req.method,
    url: redactUrl(req.url, redact),
    headers: redactHeaders(req.headers, redact),
    body: truncate(redact(req.body), MAX_BODY),
  };
}

export function redactResponse(res: PartnerResponse, redact: Redactor) {
  return {
    status: res.status,
    headers: redactHeaders(res.headers, redact),
    body: truncate(redact(res.body), MAX_BODY),
  };
}

export { MAX_BODY as MAX_SAMPLE_BODY };
