import type { FieldError } from "@/lib/errors";
import { SECRET_MASK } from "./fields";
import { requireDestinationType } from "./registry";
import type { DestinationType, FieldSpec, HeaderEntry } from "./types";

// Destination settings life cycle:
//   form input --mergeSettingsUpdate(previous)--> full settings --validateSettings--> parsed
//   parsed --splitSecrets--> { public (Destination.settings), secrets (sealed in secretsCipher) }
//   public + secretsPresent --maskSettings--> what the browser sees; posting it back changes nothing.
// A set secret is masked as the constant SECRET_MASK (no hint: even 4 characters of a short key
// help an attacker, and a constant lets a plain form post the value back unchanged). A secret
// "headers" list keeps its names public and masks only the values.

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
    if (!field.secret) out.public[field.key] = value;
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
      if (has(settings, field.key)) view[field.key] = value;
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
