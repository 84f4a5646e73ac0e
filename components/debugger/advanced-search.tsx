"use client";

import { useState } from "react";
import type { ServerFilter } from "@/components/debugger/use-debugger-stream";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

const TYPES = ["track", "identify", "page", "screen", "group", "alias"];

/** Server-side filters: they apply to the history (last 500 *matching* events) and to the live stream. */
export function AdvancedSearch({
  value,
  onApply,
  onClear,
}: {
  value: ServerFilter;
  onApply: (f: ServerFilter) => void;
  onClear: () => void;
}) {
  const [draft, setDraft] = useState(value);
  return (
    <form
      aria-label="Advanced search"
      onSubmit={(e) => {
        e.preventDefault();
        onApply({ ...draft, event: draft.event.trim(), user: draft.user.trim() });
      }}
      className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4"
    >
      <fieldset className="md:col-span-2">
        <legend className="mb-1 text-sm font-medium text-slate-700">Call types</legend>
        <div className="flex flex-wrap gap-3">
          {TYPES.map((t) => (
            <label key={t} className="flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                checked={draft.types.includes(t)}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    types: e.target.checked ? [...draft.types, t] : draft.types.filter((x) => x !== t),
                  })
                }
              />
              {t}
            </label>
          ))}
        </div>
        <label className="mt-3 flex items-center gap-1.5 text-sm">
          <input
            type="checkbox"
            checked={draft.rejected}
            onChange={(e) => setDraft({ ...draft, rejected: e.target.checked })}
          />
          Rejected only
        </label>
      </fieldset>
      <TextField
        label="Event name"
        value={draft.event}
        onChange={(e) => setDraft({ ...draft, event: e.target.value })}
        placeholder="e.g. Order Completed"
      />
      <TextField
        label="User ID or anonymous ID"
        value={draft.user}
        onChange={(e) => setDraft({ ...draft, user: e.target.value })}
      />
      <div className="flex gap-2 md:col-span-4">
        <Button type="submit">Apply filters</Button>
        <Button
          variant="ghost"
          onClick={() => {
            setDraft({ types: [], event: "", user: "", q: "", rejected: false });
            onClear();
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
