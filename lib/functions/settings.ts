import { SECRET_MASK } from "@/lib/catalog/fields";
import type { FieldError } from "@/lib/errors";
import type { SettingDecl } from "@/lib/functions/schema";

// An instance's values for the settings its function declares. Values of secret settings are
// sealed apart from the rest (FunctionInstance.secretsCipher) and shown as SECRET_MASK; posting
// the mask back keeps the stored value, like destination credentials.

type Values = Record<string, unknown>;

export type SettingsCheck =
  | { ok: true; public: Values; secrets: Values }
  | { ok: false; errors: FieldError[] };

function coerce(decl: SettingDecl, value: unknown): { value?: unknown; error?: string } {
  if (value === undefined || value === null || value === "") return {};
  switch (decl.type) {
    case "number": {
      const n = typeof value === "number" ? value : Number(value);
      return Number.isFinite(n) ? { value: n } : { error: "Must be a number" };
    }
    case "boolean":
      if (typeof value === "boolean") return { value };
      if (value === "true" || value === "false") return { value: value === "true" };
      return { error: "Must be true or false" };
    default:
      if (typeof value !== "string") return { error: "Must be text" };
      if (value.length > 10_000) return { error: "At most 10,000 characters" };
      return { value };
  }
}

/**
 * Validates `input` against the declarations, keeping stored values for omitted keys and for
 * secrets posted back as the mask. Undeclared keys are refused so a typo does not go unnoticed.
 */
export function checkSettings(decls: SettingDecl[], input: Values, stored: Values = {}): SettingsCheck {
  const errors: FieldError[] = [];
  const out = { public: {} as Values, secrets: {} as Values };
  const declared = new Set(decls.map((d) => d.name));
  for (const key of Object.keys(input))
    if (!declared.has(key))
      errors.push({ path: `settings.${key}`, message: "The function declares no such setting" });
  for (const decl of decls) {
    let raw = Object.hasOwn(input, decl.name) ? input[decl.name] : stored[decl.name];
    if (decl.secret && raw === SECRET_MASK) raw = stored[decl.name];
    const { value, error } = coerce(decl, raw);
    if (error) errors.push({ path: `settings.${decl.name}`, message: error });
    else if (value === undefined) {
      if (decl.required)
        errors.push({ path: `settings.${decl.name}`, message: `${decl.label || decl.name} is required` });
    } else (decl.secret ? out.secrets : out.public)[decl.name] = value;
  }
  return errors.length ? { ok: false, errors } : { ok: true, ...out };
}

/** What the browser sees: public values, and the mask for each secret that is set. */
export function maskedSettings(decls: SettingDecl[], publicValues: Values, secretKeys: string[]): Values {
  const view: Values = {};
  for (const decl of decls) {
    if (decl.secret) {
      if (secretKeys.includes(decl.name)) view[decl.name] = SECRET_MASK;
    } else if (Object.hasOwn(publicValues, decl.name)) view[decl.name] = publicValues[decl.name];
  }
  return view;
}

/** Secret values long enough to be worth redacting from logs and samples. */
export function secretValuesOf(secrets: Values): string[] {
  return Object.values(secrets).filter((v): v is string => typeof v === "string" && v.length >= 4);
}
