import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from "react";

const control =
  "block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500 disabled:bg-slate-100";

/** A labelled form control with help text and an inline error wired up for screen readers. */
export function Field({
  label,
  error,
  help,
  children,
}: {
  label: string;
  error?: string;
  help?: ReactNode;
  children: (props: {
    id: string;
    "aria-invalid"?: boolean;
    "aria-describedby"?: string;
    className: string;
  }) => ReactNode;
}) {
  const id = useId();
  const describedBy =
    [error ? `${id}-error` : "", help ? `${id}-help` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy,
        className: `${control} ${error ? "border-red-500" : "border-slate-300"}`,
      })}
      {help && !error && (
        <p id={`${id}-help`} className="text-xs text-slate-500">
          {help}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} role="alert" className="whitespace-pre-line text-xs text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}

export function TextField({
  label,
  error,
  help,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string; help?: ReactNode }) {
  return (
    <Field label={label} error={error} help={help}>
      {(p) => <input {...p} {...props} />}
    </Field>
  );
}

export function SelectField({
  label,
  error,
  help,
  children,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; error?: string; help?: ReactNode }) {
  return (
    <Field label={label} error={error} help={help}>
      {(p) => (
        <select {...p} {...props}>
          {children}
        </select>
      )}
    </Field>
  );
}
