import { SECRET_MASK } from "./fields";

// Credentials inside URLs: the userinfo (https://user:password@host) and query values whose name
// says they are secret (?token=…, ?api_key=…, ?sig=…). They are treated like secret settings
// everywhere: sealed at rest, masked in the console for every role, redacted in delivery samples,
// and shown as markers in the audit log. A secret in the path (Slack-style /services/T/B/XXXX) is
// not detectable; such a URL must be a secret setting of its own (Slack's webhookUrl is).
// Pure module: the browser imports it too.

/**
 * Words that make a query parameter secret. A name matches when one of its words (split at
 * `-`, `_`, `.` and camelCase) is in the list, so `token`, `access_token`, `X-Amz-Signature`,
 * `apiKey` and `client_secret` all match, and `monkey` or `keyword` do not.
 */
export const SECRET_QUERY_WORDS = [
  "apikey",
  "auth",
  "authorization",
  "code",
  "credential",
  "credentials",
  "hapikey",
  "jwt",
  "key",
  "pass",
  "passwd",
  "password",
  "pwd",
  "secret",
  "session",
  "sessionid",
  "sig",
  "signature",
  "token",
] as const;

const WORDS = new Set<string>(SECRET_QUERY_WORDS);
/** Run-together names that are secret as a whole ("accesstoken", "apisecret"). */
const COMPACT = /(token|secret|password|passwd|signature|apikey|accesskey|privatekey|secretkey)$/;

export function isSecretQueryParam(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some((w) => WORDS.has(w)) || COMPACT.test(name.toLowerCase().replace(/[^a-z0-9]/g, ""));
}

function parse(raw: unknown): URL | null {
  if (typeof raw !== "string" || !/^https?:\/\//i.test(raw.trim())) return null;
  try {
    return new URL(raw.trim());
  } catch {
    return null;
  }
}

const decode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** The credentials a URL carries: userinfo parts and secret query values, decoded. */
export function urlCredentials(raw: unknown): string[] {
  const u = parse(raw);
  if (!u) return [];
  const out = [decode(u.username), decode(u.password)];
  for (const [name, value] of u.searchParams) if (isSecretQueryParam(name)) out.push(value);
  return out.filter((v) => v !== "");
}

export function hasUrlCredentials(raw: unknown): boolean {
  return urlCredentials(raw).length > 0;
}

const PLACEHOLDER = "__switchyard_mask__";

/**
 * The URL with every credential replaced by `mask` (SECRET_MASK by default), e.g.
 * https://••••••:••••••@hooks.example.com/in?token=••••••&team=7. A URL without credentials (or
 * anything that is not an http(s) URL) comes back unchanged. Idempotent.
 */
export function maskUrl(raw: string, mask = SECRET_MASK): string {
  const u = parse(raw);
  if (!u || !hasUrlCredentials(raw)) return raw;
  if (u.username) u.username = PLACEHOLDER;
  if (u.password) u.password = PLACEHOLDER;
  const params = [...u.searchParams];
  if (params.some(([name, value]) => value !== "" && isSecretQueryParam(name)))
    u.search = new URLSearchParams(
      params.map(([name, value]) => [name, value !== "" && isSecretQueryParam(name) ? PLACEHOLDER : value]),
    ).toString();
  return u.href.replaceAll(PLACEHOLDER, mask);
}

/** Whether a posted URL still holds the mask (in any encoding): its credentials were not re-entered. */
export function urlHasMask(raw: unknown): boolean {
  if (typeof raw !== "string") return false;
  return (
    raw.includes(SECRET_MASK) || raw.toUpperCase().includes(encodeURIComponent(SECRET_MASK).toUpperCase())
  );
}
