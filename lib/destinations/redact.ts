import { getDestinationType, maskUrl } from "@/lib/catalog";

// What the audit log keeps about a destination. Public settings are recorded as they are; secret
// settings only as markers, so the log says that a key changed without ever holding it. Settings
// are flattened ("settings.url") so the audit table shows one line per changed setting. A URL
// with credentials is recorded masked, its credentials as a marker under "settings.<key>.credentials".

type Settings = Record<string, unknown>;

export interface DestinationState {
  name: string;
  enabled: boolean;
  /** Connected source names. */
  sources: string[];
  public: Settings;
  secrets: Settings;
}

export const SECRET_SET = "(set)";
export const SECRET_CHANGED = "(changed)";
export const SECRET_UNCHANGED = "(unchanged)";
export const SECRET_REMOVED = "(removed)";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A secret that holds nothing: absent, "", an empty list (no headers) or an empty object. It is
 * not "(set)": the audit log said "settings.headers: (set)" for a webhook saved without headers.
 */
export function isUnset(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

function fieldsOf(typeId: string) {
  return getDestinationType(typeId)?.fields ?? [];
}

function snapshot(typeId: string, state: DestinationState, marks: Settings): Settings {
  const out: Settings = { name: state.name, enabled: state.enabled, sources: state.sources };
  for (const field of fieldsOf(typeId)) {
    const key = `settings.${field.key}`;
    const value = state.public[field.key];
    if (field.secret) {
      if (marks[field.key] !== undefined) out[key] = marks[field.key];
    } else if (value !== undefined) {
      out[key] = field.kind === "url" && typeof value === "string" ? maskUrl(value) : value;
      if (marks[field.key] !== undefined) out[`${key}.credentials`] = marks[field.key];
    }
  }
  return out;
}

/** The "after" of a creation: every secret that was given shows as "(set)". */
export function auditCreated(typeId: string, state: DestinationState): Settings {
  const marks: Settings = {};
  for (const [key, value] of Object.entries(state.secrets)) if (!isUnset(value)) marks[key] = SECRET_SET;
  return snapshot(typeId, state, marks);
}

/**
 * Before/after of an update. An untouched secret reads "(unchanged)" on both sides (so the audit
 * table leaves it out); a replaced one goes "(set)" -> "(changed)", a cleared one -> "(removed)",
 * a first one has only an after: "(set)". Empty values count as unset (isUnset).
 */
export function auditChange(typeId: string, before: DestinationState, after: DestinationState) {
  const b: Settings = {};
  const a: Settings = {};
  for (const field of fieldsOf(typeId)) {
    // Secret settings, and URL settings whose credentials are stored among the secrets.
    if (!field.secret && field.kind !== "url") continue;
    const old = isUnset(before.secrets[field.key]) ? undefined : before.secrets[field.key];
    const next = isUnset(after.secrets[field.key]) ? undefined : after.secrets[field.key];
    if (old === undefined && next === undefined) continue;
    if (same(old, next)) {
      b[field.key] = SECRET_UNCHANGED;
      a[field.key] = SECRET_UNCHANGED;
      continue;
    }
    if (old !== undefined) b[field.key] = SECRET_SET;
    a[field.key] = next === undefined ? SECRET_REMOVED : old === undefined ? SECRET_SET : SECRET_CHANGED;
  }
  return { before: snapshot(typeId, before, b), after: snapshot(typeId, after, a) };
}
