"use client";

import { HeadersInput } from "@/components/destinations/headers-input";
import { SecretInput } from "@/components/destinations/secret-input";
import { errorAt, type FormValues } from "@/components/destinations/settings-values";
import { Field } from "@/components/ui/field";
import { type FieldSpec, type HeaderEntry, SECRET_MASK } from "@/lib/catalog";

// The generic destination settings form: one control per catalog FieldSpec, every FieldKind.
// It renders inside the caller's <form>; errors come from the API with paths "settings.<key>…".

type Errors = { path: string; message: string }[] | undefined;

export function SettingsForm({
  fields,
  values,
  onChange,
  errors,
  disabled,
  storedSecrets = [],
  reenter,
}: {
  fields: FieldSpec[];
  values: FormValues;
  onChange: (values: FormValues) => void;
  errors?: Errors;
  disabled?: boolean;
  /** Labels of the secrets already stored (editing an existing destination). */
  storedSecrets?: string[];
  /** A routing setting changed: stored secrets must be typed again or removed. */
  reenter?: boolean;
}) {
  if (fields.length === 0) return <p className="text-sm text-slate-500">This destination has no settings.</p>;
  return (
    <div className="space-y-4">
      {fields.map((field) => (
        <SettingField
          key={field.key}
          field={field}
          value={values[field.key]}
          onChange={(v) => onChange({ ...values, [field.key]: v })}
          errors={errors}
          disabled={disabled}
          storedSecrets={storedSecrets}
          reenter={reenter}
        />
      ))}
    </div>
  );
}

function SettingField({
  field,
  value,
  onChange,
  errors,
  disabled,
  storedSecrets,
  reenter,
}: {
  field: FieldSpec;
  value: FormValues[string] | undefined;
  onChange: (value: FormValues[string]) => void;
  errors: Errors;
  disabled?: boolean;
  storedSecrets: string[];
  reenter?: boolean;
}) {
  const path = `settings.${field.key}`;
  const error = errorAt(errors, path);
  // Fields with a default are never empty, so only the truly optional ones say so.
  const optional = !field.required && (field.default === undefined || field.kind === "headers");
  const label = optional ? `${field.label} (optional)` : field.label;
  const text = typeof value === "string" ? value : "";

  if (field.kind === "boolean") {
    const id = `setting-${field.key}`;
    return (
      <div className="space-y-1">
        <div className="flex items-center gap-2">
          <input
            id={id}
            type="checkbox"
            className="size-4 rounded border-slate-300"
            checked={value === true}
            disabled={disabled}
            aria-describedby={field.help ? `${id}-help` : undefined}
            onChange={(e) => onChange(e.target.checked)}
          />
          <label htmlFor={id} className="text-sm font-medium text-slate-700">
            {field.label}
          </label>
        </div>
        {field.help && (
          <p id={`${id}-help`} className="text-xs text-slate-500">
            {field.help}
          </p>
        )}
        {error && (
          <p role="alert" className="text-xs text-red-600">
            {error}
          </p>
        )}
      </div>
    );
  }

  if (field.kind === "headers") {
    // Row problems show beside their row; this is for the list as a whole (e.g. duplicate names).
    const listError = errors?.find((e) => e.path === path)?.message;
    return (
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-700">{label}</legend>
        {field.help && <p className="text-xs text-slate-500">{field.help}</p>}
        <HeadersInput
          label={field.label}
          value={Array.isArray(value) ? (value as HeaderEntry[]) : []}
          onChange={onChange}
          secret={field.secret}
          disabled={disabled}
          mustReenter={reenter}
          errorFor={(row) => errorAt(errors, `${path}.${row}`)}
        />
        {listError && (
          <p role="alert" className="text-xs text-red-600">
            {listError}
          </p>
        )}
      </fieldset>
    );
  }

  return (
    <Field label={label} error={error} help={helpFor(field, text, storedSecrets, disabled)}>
      {(props) => {
        const common = { ...props, disabled, placeholder: field.placeholder };
        switch (field.kind) {
          case "password":
            return (
              <SecretInput
                label={field.label}
                value={text}
                optional={!field.required}
                disabled={disabled}
                mustReenter={reenter}
                placeholder={field.placeholder}
                onChange={onChange}
                inputProps={props}
              />
            );
          case "select":
            return (
              <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
                {field.options?.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            );
          case "textarea":
          case "string-list":
            return (
              <textarea
                {...common}
                rows={field.kind === "string-list" ? 4 : 3}
                value={text}
                onChange={(e) => onChange(e.target.value)}
              />
            );
          case "number":
            return (
              <input
                {...common}
                type="number"
                inputMode="numeric"
                min={field.min}
                max={field.max}
                value={text}
                onChange={(e) => onChange(e.target.value)}
              />
            );
          default:
            return (
              <input
                {...common}
                type={field.kind === "url" ? "url" : "text"}
                value={text}
                onChange={(e) => onChange(e.target.value)}
              />
            );
        }
      }}
    </Field>
  );
}

function helpFor(field: FieldSpec, value: string, storedSecrets: string[], disabled?: boolean) {
  const parts = [field.help];
  if (field.kind === "url" && value.includes(SECRET_MASK))
    parts.push(
      disabled
        ? `Credentials in this URL are hidden (${SECRET_MASK}).`
        : `Credentials in this URL are hidden (${SECRET_MASK}); if you edit the URL, type them again.`,
    );
  const others = storedSecrets.filter((label) => label !== field.label);
  if (field.routing && others.length && !disabled)
    parts.push(`Decides where requests go: changing it means typing ${others.join(", ")} again.`);
  if (field.kind === "string-list") parts.push("One per line.");
  if (field.kind === "number" && field.min !== undefined) parts.push(`${field.min}–${field.max}.`);
  if (field.secret) parts.push("Stored encrypted; never shown again.");
  return parts.filter(Boolean).join(" ") || undefined;
}
