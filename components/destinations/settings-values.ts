import { type FieldSpec, type HeaderEntry, SECRET_MASK } from "@/lib/catalog";
import { containsMask } from "@/lib/catalog/mask";

// Form state for the generic settings form, and the payload it posts. Pure, so it is unit-tested.
// Secrets are posted as the server showed them (SECRET_MASK keeps the stored value), a new value,
// or "" to clear; lists are edited as one entry per line and posted as that text (the catalog
// splits it), numbers as typed (the catalog coerces and reports range errors).

export type FormValues = Record<string, string | boolean | HeaderEntry[]>;

function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(String).join("\n");
  return String(value);
}

function asHeaders(value: unknown): HeaderEntry[] {
  if (!Array.isArray(value)) return [];
  return value.map((h: Partial<HeaderEntry>) => ({
    key: String(h?.key ?? ""),
    value: String(h?.value ?? ""),
  }));
}

/**
 * For an existing destination, its (masked) settings; for a new one, the catalog defaults. URL
 * defaults stay blank: they are the placeholder, and blank keeps following the vendor's default.
 */
export function initialValues(fields: FieldSpec[], settings?: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const fallback = field.kind === "url" || field.secret ? undefined : field.default;
    const value = settings
      ? (settings[field.key] ?? (field.kind === "boolean" ? fallback : undefined))
      : fallback;
    if (field.kind === "boolean") values[field.key] = value === true || value === "true";
    else if (field.kind === "headers") values[field.key] = asHeaders(value);
    else values[field.key] = asText(value);
  }
  return values;
}

/** What the form posts as `settings`. Header rows left completely empty are dropped. */
export function settingsPayload(fields: FieldSpec[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.key];
    if (field.kind === "headers")
      out[field.key] = asHeaders(value).filter((h) => h.key.trim() !== "" || h.value !== "");
    else out[field.key] = value;
  }
  return out;
}

/** The first error at `path` or below it (e.g. "settings.headers" also finds "settings.headers.0.key"). */
export function errorAt(fields: { path: string; message: string }[] | undefined, path: string) {
  return fields?.find((f) => f.path === path || f.path.startsWith(`${path}.`))?.message;
}

/** Whether a form value holds a stored secret (the mask, or a header list with masked values). */
function holdsStoredSecret(value: FormValues[string] | undefined): boolean {
  if (Array.isArray(value)) return value.some((h) => h.value === SECRET_MASK);
  return typeof value === "string" && containsMask(value);
}

/**
 * Labels of the settings that hold stored secrets in the loaded form: secret settings and URLs
 * whose credentials are masked.
 */
export function storedSecretLabels(fields: FieldSpec[], initial: FormValues): string[] {
  return fields
    .filter((f) => (f.secret || f.kind === "url") && holdsStoredSecret(initial[f.key]))
    .map((f) => f.label);
}

/** Labels of the routing settings (URL, base URL, region) the user changed in the form. */
export function changedRoutingLabels(fields: FieldSpec[], initial: FormValues, values: FormValues): string[] {
  const text = (v: FormValues[string] | undefined) =>
    typeof v === "string" ? v.trim() : JSON.stringify(v ?? "");
  return fields.filter((f) => f.routing && text(initial[f.key]) !== text(values[f.key])).map((f) => f.label);
}
