"use client";

import { activeChips, EMPTY_VIEW, type ViewState } from "@/lib/debugger/view-state";

/** Every active filter as a chip with its own ×, and Clear all: nothing filters the list unseen. */
export function FilterChips({ state, onChange }: { state: ViewState; onChange: (s: ViewState) => void }) {
  const chips = activeChips(state);
  if (chips.length === 0) return null;
  return (
    // A group of removable chips, not form fields (which a fieldset would announce).
    // biome-ignore lint/a11y/useSemanticElements: see above
    <div role="group" aria-label="Active filters" className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-xs font-medium text-slate-500">Filtered by</span>
      <ul className="flex min-w-0 flex-wrap gap-2">
        {chips.map((c) => (
          <li
            key={c.key}
            className="inline-flex max-w-full min-w-0 items-center gap-1 rounded-full border border-brand-100 bg-brand-50 py-0.5 pr-1 pl-2.5 text-xs font-medium text-brand-700"
          >
            <span className="truncate" title={c.label} data-testid="filter-chip">
              {c.label}
            </span>
            <button
              type="button"
              aria-label={`Remove filter ${c.label}`}
              title={`Remove filter ${c.label}`}
              onClick={() => onChange(c.remove(state))}
              className="grid size-5 shrink-0 place-items-center rounded-full text-brand-700 hover:bg-brand-100"
            >
              <span aria-hidden="true">×</span>
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        onClick={() => onChange(EMPTY_VIEW)}
        className="rounded px-1.5 py-0.5 text-xs font-medium text-slate-600 underline-offset-2 hover:text-slate-900 hover:underline"
      >
        Clear all
      </button>
    </div>
  );
}
