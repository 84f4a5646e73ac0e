"use client";

import { useId } from "react";
import { caretLine, checkCondition } from "@/components/filters/filter-actions";

// The condition editor: the same parser as the server runs in the browser on every keystroke, and
// the problem is shown with a caret under the column. A server error (should the two disagree)
// is shown the same way when it carries a position.

export interface ServerConditionError {
  message: string;
  line?: number;
  column?: number;
  length?: number;
}

export function ConditionInput({
  value,
  onChange,
  showEmpty,
  serverError,
  disabled,
}: {
  value: string;
  onChange: (value: string) => void;
  /** Report "Condition is empty" too (after a submit attempt); otherwise only once typing starts. */
  showEmpty?: boolean;
  serverError?: ServerConditionError;
  disabled?: boolean;
}) {
  const id = useId();
  const local = value.trim() || showEmpty ? checkCondition(value) : null;
  const problem =
    local ??
    (serverError
      ? {
          message: serverError.message,
          line: serverError.line ?? 1,
          column: serverError.column,
          length: serverError.length ?? 0,
          lineText: value.split("\n")[(serverError.line ?? 1) - 1] ?? "",
        }
      : null);

  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        Condition
      </label>
      <textarea
        id={id}
        rows={3}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        value={value}
        disabled={disabled}
        placeholder={'type = "track" and event = "Order Completed"'}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-status`}
        onChange={(e) => onChange(e.target.value)}
        className={`block w-full rounded-md border bg-white px-3 py-2 font-mono text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500 ${
          problem ? "border-red-500" : "border-slate-300"
        }`}
      />
      <div id={`${id}-status`} aria-live="polite">
        {problem ? (
          <>
            <p className="text-xs text-red-600">{problem.message}</p>
            {problem.column !== undefined && (
              <pre
                aria-hidden
                data-testid="condition-caret"
                className="overflow-x-auto rounded bg-red-50 px-2 py-1 font-mono text-xs leading-tight text-slate-700"
              >
                {problem.lineText}
                {"\n"}
                <span className="text-red-600">{caretLine(problem.column, problem.length)}</span>
              </pre>
            )}
          </>
        ) : (
          value.trim() && <p className="text-xs text-emerald-700">Condition is valid.</p>
        )}
      </div>
    </div>
  );
}
