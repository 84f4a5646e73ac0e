"use client";

import { type FormEvent, useState } from "react";
import type { PeriodState } from "@/components/delivery/use-period";
import { Button } from "@/components/ui/button";
import { PRESET_KEYS, PRESETS, type PresetPeriod, periodQuery } from "@/lib/metrics/period";

// Top-right of the tab: the presets, or a custom range from two local date-times. The choice is
// written to the URL; every panel reads it from there.

const pad = (n: number) => String(n).padStart(2, "0");
/** An ISO instant as the value of <input type="datetime-local"> (the browser's time zone). */
function toLocalInput(iso: string | undefined, fallback: number): string {
  const d = new Date(iso ? Date.parse(iso) : fallback);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function PeriodSelector({ state }: { state: PeriodState }) {
  const isCustom = state.query.from !== undefined;
  const [editing, setEditing] = useState(isCustom);
  const [from, setFrom] = useState(() => toLocalInput(state.query.from, Date.now() - 86_400_000));
  const [to, setTo] = useState(() => toLocalInput(state.query.to, Date.now()));
  const [error, setError] = useState<string | null>(null);
  const selected = editing ? "custom" : (state.query.period ?? "24h");

  function apply(e: FormEvent) {
    e.preventDefault();
    const range = {
      from: from ? new Date(from).toISOString() : "",
      to: to ? new Date(to).toISOString() : "",
    };
    const checked = periodQuery.safeParse(range);
    if (!checked.success) return setError(checked.error.issues[0]?.message ?? "Invalid range");
    setError(null);
    state.setCustom(range.from, range.to);
  }

  return (
    <div className="flex flex-wrap items-end justify-end gap-2">
      <label className="text-sm text-slate-600" htmlFor="delivery-period">
        Time period
      </label>
      <select
        id="delivery-period"
        value={selected}
        onChange={(e) => {
          if (e.target.value === "custom") return setEditing(true);
          setEditing(false);
          setError(null);
          state.setPreset(e.target.value as PresetPeriod);
        }}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      >
        {PRESET_KEYS.map((p) => (
          <option key={p} value={p}>
            {PRESETS[p].label}
          </option>
        ))}
        <option value="custom">Custom range…</option>
      </select>
      {editing && (
        <form onSubmit={apply} className="flex flex-wrap items-end gap-2" aria-label="Custom range">
          <label className="text-xs text-slate-600">
            From
            <input
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              className="ml-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
            />
          </label>
          <label className="text-xs text-slate-600">
            To
            <input
              type="datetime-local"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              className="ml-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
            />
          </label>
          <Button type="submit" size="sm" variant="secondary">
            Apply
          </Button>
        </form>
      )}
      {error && (
        <p role="alert" className="w-full text-right text-xs text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
