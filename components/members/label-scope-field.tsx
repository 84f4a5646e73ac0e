"use client";

import { useId, useState } from "react";
import { parseLabelList } from "@/components/members/labels";
import { useSources } from "@/components/sources/use-sources";
import { SUGGESTED_LABELS } from "@/lib/sources/schema";

/**
 * Label scope as checkboxes of the labels the workspace uses, plus a free-text box for others.
 * Nothing chosen means every label.
 */
export function LabelScopeField({
  value,
  onChange,
  error,
}: {
  value: string[];
  onChange: (labels: string[]) => void;
  error?: string;
}) {
  const id = useId();
  const sources = useSources();
  const known = [...new Set([...SUGGESTED_LABELS, ...(sources.data ?? []).map((s) => s.environment)])].sort();
  const [extra, setExtra] = useState(value.filter((l) => !known.includes(l)).join(", "));
  const checked = value.filter((l) => known.includes(l));

  const emit = (nextChecked: string[], nextExtra: string) =>
    onChange([...new Set([...nextChecked, ...parseLabelList(nextExtra)])]);

  return (
    <fieldset className="space-y-2" aria-describedby={error ? `${id}-error` : `${id}-help`}>
      <legend className="text-sm font-medium text-slate-700">Label scope</legend>
      <div className="flex flex-wrap gap-3">
        {known.map((label) => (
          <label key={label} className="inline-flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              checked={checked.includes(label)}
              onChange={(e) =>
                emit(e.target.checked ? [...checked, label] : checked.filter((l) => l !== label), extra)
              }
            />
            {label}
          </label>
        ))}
      </div>
      <label htmlFor={`${id}-other`} className="sr-only">
        Other labels, comma-separated
      </label>
      <input
        id={`${id}-other`}
        value={extra}
        onChange={(e) => {
          setExtra(e.target.value);
          emit(checked, e.target.value);
        }}
        placeholder="Other labels, comma-separated"
        aria-invalid={error ? true : undefined}
        className={`block w-full rounded-md border bg-white px-3 py-2 text-sm ${error ? "border-red-500" : "border-slate-300"}`}
      />
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-600">
          {error}
        </p>
      ) : (
        <p id={`${id}-help`} className="text-xs text-slate-500">
          Leave everything unticked to give access to every label.
        </p>
      )}
    </fieldset>
  );
}
