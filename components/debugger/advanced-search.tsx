"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { CALL_TYPES } from "@/lib/debugger/filter";
import { callTypes, TEXT_MAX, type ViewState } from "@/lib/debugger/view-state";

type Advanced = Pick<ViewState, "types" | "event" | "user" | "rejected">;

/**
 * Server-side filters: they apply to the history (last 500 *matching* events) and to the live
 * stream. The fields start from the applied filters (the parent remounts this form when they
 * change, e.g. a chip removed), so the form never disagrees with the chips.
 */
export function AdvancedSearch({ value, onApply }: { value: Advanced; onApply: (f: Advanced) => void }) {
  const [draft, setDraft] = useState<Advanced>({
    types: value.types,
    event: value.event,
    user: value.user,
    rejected: value.rejected,
  });
  return (
    <form
      aria-label="Advanced search"
      onSubmit={(e) => {
        e.preventDefault();
        onApply({
          ...draft,
          types: callTypes(draft.types),
          event: draft.event.trim(),
          user: draft.user.trim(),
        });
      }}
      className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4"
    >
      <fieldset className="md:col-span-2">
        <legend className="mb-1 text-sm font-medium text-slate-700">Call types</legend>
        <div className="flex flex-wrap gap-3">
          {CALL_TYPES.map((t) => (
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
        maxLength={TEXT_MAX}
      />
      <TextField
        label="User ID or anonymous ID"
        value={draft.user}
        onChange={(e) => setDraft({ ...draft, user: e.target.value })}
        maxLength={TEXT_MAX}
      />
      <div className="flex gap-2 md:col-span-4">
        <Button type="submit">Apply filters</Button>
      </div>
    </form>
  );
}
