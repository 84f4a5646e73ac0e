"use client";

import { useSyncExternalStore } from "react";
import { chooseTheme, storedChoice, THEME_CHOICES, THEME_EVENT, type ThemeChoice } from "@/lib/theme";

const LABELS: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };

function subscribe(onChange: () => void) {
  window.addEventListener(THEME_EVENT, onChange);
  window.addEventListener("storage", onChange);
  return () => {
    window.removeEventListener(THEME_EVENT, onChange);
    window.removeEventListener("storage", onChange);
  };
}

/** System / Light / Dark, in the user menu; the choice is remembered in this browser. */
export function ThemeSwitch({ className = "" }: { className?: string }) {
  // The server cannot know the stored choice; it renders "System" and the client corrects it.
  const choice = useSyncExternalStore(subscribe, storedChoice, () => "system" as const);
  return (
    <fieldset className={className}>
      <legend className="mb-1 text-xs text-slate-500">Theme</legend>
      <div className="flex rounded-md bg-slate-100 p-0.5 ring-1 ring-slate-200">
        {THEME_CHOICES.map((c) => (
          <label
            key={c}
            className={`flex-1 cursor-pointer rounded px-1.5 py-0.5 text-center text-xs has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-500 ${
              choice === c
                ? "font-medium text-slate-900 shadow-sm not-dark:bg-white dark:bg-slate-300"
                : "text-slate-600 hover:text-slate-900"
            }`}
          >
            <input
              type="radio"
              name="theme"
              value={c}
              checked={choice === c}
              onChange={() => chooseTheme(c)}
              className="sr-only"
            />
            {LABELS[c]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
