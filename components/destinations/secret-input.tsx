"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { SECRET_MASK } from "@/lib/catalog";

type InputProps = {
  id?: string;
  "aria-label"?: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
  className: string;
};

/**
 * A secret setting. Once stored, the server only sends SECRET_MASK: the input shows it and posts
 * it back unchanged ("leave unchanged"), "Replace" types a new value (left empty, the old one
 * stays) and "Remove" clears an optional secret. Read-only viewers see the mask and no buttons.
 * With `mustReenter` (the destination's URL or region changed) keeping is not offered: the value
 * must be typed again or removed, as the server requires.
 */
export function SecretInput({
  value,
  onChange,
  label,
  optional,
  disabled,
  placeholder,
  mustReenter,
  inputProps,
}: {
  value: string;
  onChange: (value: string) => void;
  label: string;
  optional?: boolean;
  disabled?: boolean;
  placeholder?: string;
  mustReenter?: boolean;
  inputProps: InputProps;
}) {
  const [stored] = useState(value === SECRET_MASK);
  const [chosen, setMode] = useState<"keep" | "replace" | "remove">("keep");
  const mode = mustReenter && chosen === "keep" ? "replace" : chosen;
  const [text, setText] = useState("");
  const replaceInput = useRef<HTMLInputElement>(null);
  // Focus follows the user's "Replace" click; nothing moves focus on its own.
  useEffect(() => {
    if (chosen === "replace") replaceInput.current?.focus();
  }, [chosen]);

  if (!stored)
    return (
      <input
        {...inputProps}
        type="password"
        autoComplete="off"
        value={value}
        placeholder={placeholder}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      />
    );

  const choose = (next: typeof mode, nextText = "") => {
    setMode(next);
    setText(nextText);
    onChange(next === "remove" ? "" : next === "replace" && nextText ? nextText : SECRET_MASK);
  };

  return (
    <div className="flex items-center gap-2">
      {mode === "replace" ? (
        <input
          {...inputProps}
          type="password"
          autoComplete="off"
          ref={replaceInput}
          value={text}
          placeholder={
            mustReenter ? "Type it again: the URL changed" : "New value (leave empty to keep the current one)"
          }
          disabled={disabled}
          onChange={(e) => choose("replace", e.target.value)}
        />
      ) : (
        <input
          {...inputProps}
          type="text"
          readOnly
          value={mode === "remove" ? "" : SECRET_MASK}
          placeholder={mode === "remove" ? "Removed when you save" : undefined}
          disabled={disabled}
          className={`${inputProps.className} bg-slate-50 font-mono text-slate-500`}
        />
      )}
      {!disabled &&
        (mode === "keep" ? (
          <>
            <Button
              variant="secondary"
              size="sm"
              className="shrink-0 whitespace-nowrap"
              aria-label={`Replace ${label}`}
              onClick={() => choose("replace")}
            >
              Replace
            </Button>
            {optional && (
              <Button
                variant="ghost"
                size="sm"
                className="shrink-0 whitespace-nowrap"
                aria-label={`Remove ${label}`}
                onClick={() => choose("remove")}
              >
                Remove
              </Button>
            )}
          </>
        ) : mustReenter && mode === "replace" ? (
          optional && (
            <Button
              variant="ghost"
              size="sm"
              className="shrink-0 whitespace-nowrap"
              aria-label={`Remove ${label}`}
              onClick={() => choose("remove")}
            >
              Remove
            </Button>
          )
        ) : (
          <Button
            variant="ghost"
            size="sm"
            className="shrink-0 whitespace-nowrap"
            aria-label={`Keep the current ${label}`}
            onClick={() => choose(mustReenter ? "replace" : "keep")}
          >
            {mode === "remove" ? "Undo" : "Keep current"}
          </Button>
        ))}
    </div>
  );
}
