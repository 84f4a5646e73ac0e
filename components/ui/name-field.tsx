"use client";

import { type InputHTMLAttributes, type ReactNode, useState } from "react";
import { TextField } from "@/components/ui/field";
import { NAME_LIMITS, type NameKind, nameTooLong } from "@/lib/validation/names";

// Every name input: the limit of its kind as maxLength (lib/validation/names.ts), and a counter
// once the name gets close, so the limit is visible before it bites. A paste longer than the limit
// is not silently cut by the browser: the field says so.

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "maxLength"> & {
  kind: NameKind;
  label?: string;
  error?: string;
  help?: ReactNode;
};

export function NameField({ kind, label = "Name", error, help, onChange, onPaste, ...props }: Props) {
  const max = NAME_LIMITS[kind];
  const initial = String(props.value ?? props.defaultValue ?? "");
  const [length, setLength] = useState(initial.length);
  const [cut, setCut] = useState(false);
  const current = props.value !== undefined ? String(props.value).length : length;
  const counter =
    current >= max - 10 ? (
      <span className="tabular-nums" data-testid="name-counter">
        {current} / {max} characters
      </span>
    ) : null;
  const pasteError = cut ? `${nameTooLong(max)}: the pasted text was cut to fit` : undefined;
  return (
    <TextField
      label={label}
      maxLength={max}
      autoComplete="off"
      {...props}
      error={error ?? pasteError}
      help={
        counter && help ? (
          <>
            {help} {counter}
          </>
        ) : (
          (counter ?? help)
        )
      }
      onChange={(e) => {
        setLength(e.target.value.length);
        if (e.target.value.length < max) setCut(false);
        onChange?.(e);
      }}
      onPaste={(e) => {
        const input = e.currentTarget;
        const selected = (input.selectionEnd ?? 0) - (input.selectionStart ?? 0);
        const pasted = e.clipboardData.getData("text").length;
        setCut(input.value.length - selected + pasted > max);
        onPaste?.(e);
      }}
    />
  );
}
