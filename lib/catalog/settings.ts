import type { FieldError } from "@/lib/errors";
import { SECRET_MASK } from "./fields";
import { requireDestinationType } from "./registry";
import type { DestinationType, FieldSpec, HeaderEntry } from "./types";
import { hasUrlCredentials, maskUrl, urlHasMask } from "./url-secrets";

// Destination settings life cycle:
//   form input --mergeSettingsUpdate(previous)--> full settings --validateSettings--> parsed
//   parsed --splitSecrets--> { public (Destination.settings), secrets (sealed in secretsCipher) }
//   public + secretsPresent --maskSettings--> what the browser sees; posting it back changes nothing.
// A set secret is masked as the constant SECRET_MASK (no hint: even 4 characters of a short key
// help an attacker, and a constant lets a plain form post the value back unchanged). A secret
// "headers" list keeps its names public and masks only the values. A URL setting that carries
// credentials (userinfo, ?token=…: lib/catalog/url-secrets.ts) is stored whole among the secrets
// and masked in the public copy.

type Settings = Record<string, unknown>;

export type SettingsValidation = { ok: true; settings: Settings } | { ok: false; errors: FieldError[] };

const has = (o: Settings, key: string) => Object.hasOwn(o, key) && o[key] !== undefined;
const isHeaderList = (v: unknown): v is Partial<HeaderEntry>[] =>
  Array.isArray(v) && v.every((h) => typeof h === "object" && h !== null);

/** Validates full settings (public + secrets). Error paths start with the field key, e.g. "headers.0.key". */
export function validateSettings(typeId: string, input: unknown): SettingsValidation {
  const type = requireDestinationType(typeId);
  const result = type.settings.safeParse(input ?? {});
  if (result.success) return { ok: true, settings: result.data as Settings };
  return {
    ok: false,
    errors: result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  };
}

/** Splits validated settings into what may be stored in clear and what must be sealed. */
export function splitSecrets(typeId: string, settings: Settings): { public: Settings; secrets: Settings } {
  const out = { public: {} as Settings, secrets: {} as Settings };
  for (const field of requireDestinationType(typeId).fields) {
    if (!has(settings, field.key)) continue;
    const value = settings[field.key];
    if (isCredentialUrl(field, value)) {
      out.public[field.key] = maskUrl(value);
      out.secrets[field.key] = value;
    } else if (!field.secret) out.public[field.key] = value;
    else {
      out.secrets[field.key] = value;
      if (field.kind === "headers" && isHeaderList(value))
        out.public[field.key] = value.map((h) => ({ key: h.key }));
    }
  }
  return out;
}

/** Inverse of splitSecrets: the full settings deliveries use. Secret values win over public copies. */
export function joinSettings(publicSettings: Settings, secrets: Settings): Settings {
  return { ...publicSettings, ...secrets };
}

/**
 * The browser's view. `settings` may be the public part or the full settings; secret values are
 * never copied out of it. `secretsPresent` names the secret keys stored in the cipher.
 */
export function maskSettings(typeId: string, settings: Settings, secretsPresent: Set<string>): Settings {
  const view: Settings = {};
  for (const field of requireDestinationType(typeId).fields) {
    const value = settings[field.key];
    if (!field.secret) {
      if (has(settings, field.key)) view[field.key] = field.kind === "url" ? maskIfUrl(value) : value;
      continue;
    }
    if (!secretsPresent.has(field.key) && !isSet(value)) continue;
    view[field.key] =
      field.kind === "headers" && isHeaderList(value)
        ? value.map((h) => ({ key: String(h.key ?? ""), value: SECRET_MASK }))
        : SECRET_MASK;
  }
  return view;
}

/**
 * Applies a form post to the previous full settings. Omitted keys keep their value; null clears.
 * For secrets, SECRET_MASK (what maskSettings showed) also keeps the value and "" clears it; in a
 * secret headers list, an entry whose value is SECRET_MASK keeps that header's previous value.
 * Unknown keys are dropped. The result still needs validateSettings.
 */
export function mergeSettingsUpdate(typeId: string, previous: Settings, incoming: Settings): Settings {
  const merged: Settings = {};
  for (const field of requireDestinationType(typeId).fields) {
    const next = has(incoming, field.key)
      ? mergeField(field, previous[field.key], incoming[field.key])
      : previous[field.key];
    if (next !== undefined && next !== null) merged[field.key] = next;
  }
  return merged;
}

function mergeField(field: FieldSpec, before: unknown, after: unknown): unknown {
  // A credential URL posted back exactly as masked keeps the stored URL.
  if (field.kind === "url" && typeof before === "string" && after === maskUrl(before)) return before;
  if (!field.secret) return after;
  if (after === SECRET_MASK) return before;
  if (after === "") return undefined;
  if (field.kind !== "headers" || !isHeaderList(after)) return after;
  const old = new Map(
    (isHeaderList(before) ? before : []).map((h) => [String(h.key ?? "").toLowerCase(), h.value] as const),
  );
  return after.map((h) =>
    h.value === SECRET_MASK && old.has(String(h.key ?? "").toLowerCase())
      ? { ...h, value: old.get(String(h.key ?? "").toLowerCase()) }
      : h,
  );
}

function isCredentialUrl(field: FieldSpec, value: unknown): value is string {
  return !field.secret && field.kind === "url" && hasUrlCredentials(value);
}

const maskIfUrl = (value: unknown) => (typeof value === "string" ? maskUrl(value) : value);

function isSet(value: unknown): boolean {
  return (
    value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0)
  );
}

/** Keys of the fields a type stores sealed. */
export function secretKeys(typeId: string): string[] {
  return requireDestinationType(typeId)
    .fields.filter((f) => f.secret)
    .map((f) => f.key);
}

/**
 * The URL deliveries go to, without a trailing slash: the endpoint field when set, else the
 * selected region's endpoint, else the field's documented default.
 */
export function resolveEndpoint(typeOrId: string | DestinationType, settings: Settings): string {
  const type = typeof typeOrId === "string" ? requireDestinationType(typeOrId) : typeOrId;
  const explicit = settings[type.endpointField];
  let url = typeof explicit === "string" && explicit.trim() ? explicit.trim() : undefined;
  if (!url && type.regions) {
    const spec = type.fields.find((f) => f.key === type.regions?.field);
    const region = String(settings[type.regions.field] ?? spec?.default ?? "");
    url = type.regions.urls[region];
  }
  if (!url) {
    const fallback = type.fields.find((f) => f.key === type.endpointField)?.default;
    url = typeof fallback === "string" ? fallback : "";
  }
  return url.replace(/\/+$/, "");
}

/** A routing value in comparable form: URLs by their parsed href, blanks as "". */
function routingValue(field: FieldSpec, value: unknown): string {
  if (value === undefined || value === null || value === "") return "";
  if (typeof value !== "string") return JSON.stringify(value);
  return field.kind === "url" || field.kind === "password" ? normalizedUrl(value) : value;
}

function normalizedUrl(value: string): string {
  try {
    return new URL(value.trim()).href;
  } catch {
    return value.trim();
  }
}

/**
 * The routing fields (FieldSpec.routing: URL, base URL, region…) whose value differs between two
 * full, validated settings objects, plus the endpoint field when the resolved endpoint moved.
 */
export function changedRoutingFields(typeId: string, before: Settings, after: Settings): string[] {
  const type = requireDestinationType(typeId);
  const changed = type.fields
    .filter((f) => f.routing && routingValue(f, before[f.key]) !== routingValue(f, after[f.key]))
    .map((f) => f.key);
  const endpoint = (settings: Settings) => normalizedUrl(resolveEndpoint(type, settings));
  if (!changed.length && endpoint(before) !== endpoint(after)) changed.push(type.endpointField);
  return changed;
}

/** Whether a posted value is a secret typed anew (not the mask, not a list keeping masked entries). */
function reentered(field: FieldSpec, posted: unknown): boolean {
  if (posted === undefined || posted === SECRET_MASK) return false;
  if (field.kind === "headers") return isHeaderList(posted) && posted.every((h) => h.value !== SECRET_MASK);
  if (field.kind === "url") return !urlHasMask(posted);
  return true;
}

/**
 * The fields whose stored secret would survive this update without having been typed again:
 * secret settings (and URL settings carrying credentials) that were set before and are still set
 * after the merge, but were not posted with a fresh value. When the routing changes, each of them
 * must be re-entered or removed.
 */
export function secretsNotReentered(
  typeId: string,
  previous: Settings,
  posted: Settings,
  next: Settings,
): FieldSpec[] {
  return requireDestinationType(typeId).fields.filter((field) => {
    const secretLike = field.secret || isCredentialUrl(field, previous[field.key]);
    if (!secretLike || !isSet(previous[field.key]) || !isSet(next[field.key])) return false;
    return !(Object.hasOwn(posted, field.key) && reentered(field, posted[field.key]));
  });
}
