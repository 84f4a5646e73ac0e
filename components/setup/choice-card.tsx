import type { ReactNode } from "react";

/** One option of a radio group, drawn as a card: the whole card is the label, arrows move between. */
export function ChoiceCard({
  name,
  value,
  checked,
  disabled,
  onChange,
  title,
  children,
}: {
  name: string;
  value: string;
  checked: boolean;
  disabled: boolean;
  onChange: (value: string) => void;
  title: string;
  children?: ReactNode;
}) {
  return (
    <label
      className={`block rounded-lg border bg-white p-4 shadow-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500 ${
        checked ? "border-brand-500 ring-1 ring-brand-500" : "border-slate-200"
      } ${disabled ? "cursor-default" : "cursor-pointer hover:border-brand-300"}`}
    >
      <span className="flex items-start gap-3">
        <input
          type="radio"
          name={name}
          value={value}
          checked={checked}
          disabled={disabled}
          onChange={() => onChange(value)}
          className="mt-1 size-4"
        />
        <span className="min-w-0 flex-1">
          <span className="block text-sm font-semibold text-slate-900">{title}</span>
          {children && <span className="mt-1 block text-sm text-slate-600">{children}</span>}
        </span>
      </span>
    </label>
  );
}
