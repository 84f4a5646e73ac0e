"use client";

import { useRef, useState } from "react";
import { SecretInput } from "@/components/destinations/secret-input";
import { Button } from "@/components/ui/button";
import type { HeaderEntry } from "@/lib/catalog";

const control =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500 disabled:bg-slate-100";

/** Key/value rows with add/remove. For a secret list, stored values stay masked until replaced. */
export function HeadersInput({
  label,
  value,
  onChange,
  secret,
  disabled,
  mustReenter,
  errorFor,
}: {
  label: string;
  value: HeaderEntry[];
  onChange: (value: HeaderEntry[]) => void;
  secret: boolean;
  disabled?: boolean;
  /** Stored values must be typed again (the destination's URL changed). */
  mustReenter?: boolean;
  /** Error for `${row}.key` / `${row}.value`. */
  errorFor: (path: string) => string | undefined;
}) {
  // Stable row ids so each SecretInput keeps its own state when rows above it are removed.
  const next = useRef(value.length);
  const [ids, setIds] = useState(() => value.map((_, i) => i));
  const set = (i: number, patch: Partial<HeaderEntry>) =>
    onChange(value.map((h, j) => (j === i ? { ...h, ...patch } : h)));

  return (
    <div className="space-y-2">
      {value.length === 0 && <p className="text-xs text-slate-500">No headers.</p>}
      {value.map((h, i) => {
        const keyError = errorFor(`${i}.key`);
        const valueError = errorFor(`${i}.value`);
        return (
          <div key={ids[i]} className="space-y-1">
            <div className="grid grid-cols-[1fr_1.5fr_auto] items-start gap-2">
              <input
                aria-label={`${label} ${i + 1} name`}
                aria-invalid={keyError ? true : undefined}
                className={control}
                placeholder="Authorization"
                value={h.key}
                disabled={disabled}
                onChange={(e) => set(i, { key: e.target.value })}
              />
              {secret ? (
                <SecretInput
                  label={`${label} ${i + 1} value`}
                  value={h.value}
                  disabled={disabled}
                  mustReenter={mustReenter}
                  onChange={(v) => set(i, { value: v })}
                  inputProps={{
                    className: control,
                    "aria-label": `${label} ${i + 1} value`,
                    "aria-invalid": valueError ? true : undefined,
                  }}
                />
              ) : (
                <input
                  aria-label={`${label} ${i + 1} value`}
                  aria-invalid={valueError ? true : undefined}
                  className={control}
                  value={h.value}
                  disabled={disabled}
                  onChange={(e) => set(i, { value: e.target.value })}
                />
              )}
              {!disabled && (
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Remove ${label} ${i + 1}`}
                  onClick={() => {
                    setIds(ids.filter((_, j) => j !== i));
                    onChange(value.filter((_, j) => j !== i));
                  }}
                >
                  Remove
                </Button>
              )}
            </div>
            {(keyError || valueError) && (
              <p role="alert" className="text-xs text-red-600">
                {keyError ? `Name: ${keyError}` : `Value: ${valueError}`}
              </p>
            )}
          </div>
        );
      })}
      {!disabled && (
        <Button
          variant="secondary"
          size="sm"
          onClick={() => {
            setIds([...ids, next.current++]);
            onChange([...value, { key: "", value: "" }]);
          }}
        >
          Add header
        </Button>
      )}
    </div>
  );
}
