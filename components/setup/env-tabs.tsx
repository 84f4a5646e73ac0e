"use client";

import { type KeyboardEvent, useRef } from "react";
import type { Env, Progress } from "@/lib/use-cases/types";

const TABS: { env: Env; label: string }[] = [
  { env: "dev", label: "Dev" },
  { env: "prod", label: "Prod" },
];

/** ARIA tabs (arrow keys move and select); each tab shows how many of its steps are done. */
export function EnvTabs({
  tab,
  onChange,
  progress,
}: {
  tab: Env;
  onChange: (env: Env) => void;
  progress: Progress;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft" && e.key !== "Home" && e.key !== "End") return;
    e.preventDefault();
    const next =
      e.key === "Home"
        ? 0
        : e.key === "End"
          ? TABS.length - 1
          : (i + (e.key === "ArrowRight" ? 1 : -1) + 2) % 2;
    onChange(TABS[next]!.env);
    refs.current[next]?.focus();
  };
  return (
    <div role="tablist" aria-label="Environment" className="mb-4 flex gap-1 border-b border-slate-200">
      {TABS.map((t, i) => {
        const steps = progress.steps.filter((s) => s.env === t.env);
        const selected = tab === t.env;
        return (
          <button
            key={t.env}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.env}`}
            aria-selected={selected}
            aria-controls={`panel-${t.env}`}
            tabIndex={selected ? 0 : -1}
            onClick={() => onChange(t.env)}
            onKeyDown={(e) => onKey(e, i)}
            className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${
              selected
                ? "border-brand-600 text-brand-700"
                : "border-transparent text-slate-600 hover:text-slate-900"
            }`}
          >
            {t.label}{" "}
            <span className="text-xs text-slate-500">
              {steps.filter((s) => s.done).length}/{steps.length}
            </span>
          </button>
        );
      })}
    </div>
  );
}
