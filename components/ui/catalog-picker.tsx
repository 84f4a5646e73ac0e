"use client";

import { type ReactNode, useId, useState } from "react";
import { Logo } from "@/components/ui/logo";

export interface CatalogItem {
  id: string;
  name: string;
  category: string;
  description: string;
  /** Extra words the search matches (e.g. the library name). */
  keywords?: string;
  /** A last line on the card, e.g. the call types a destination receives. */
  detail?: ReactNode;
}

/** A searchable catalog with category chips; `initialCategory` usually comes from ?category=. */
export function CatalogPicker({
  noun,
  items,
  categories,
  initialCategory,
  onPick,
}: {
  noun: string;
  items: readonly CatalogItem[];
  categories: readonly string[];
  initialCategory?: string;
  onPick: (id: string) => void;
}) {
  const searchId = useId();
  const [query, setQuery] = useState("");
  const [category, setCategory] = useState(
    initialCategory && categories.includes(initialCategory) ? initialCategory : "",
  );
  const q = query.trim().toLowerCase();
  const shown = items.filter(
    (t) =>
      (!category || t.category === category) &&
      (!q || `${t.name} ${t.description} ${t.category} ${t.keywords ?? ""}`.toLowerCase().includes(q)),
  );
  return (
    <div>
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <label htmlFor={searchId} className="sr-only">
          Search {noun}
        </label>
        <input
          id={searchId}
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search the catalog"
          className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm sm:w-64"
        />
        {["", ...categories].map((c) => (
          <button
            key={c || "all"}
            type="button"
            aria-pressed={category === c}
            onClick={() => setCategory(c)}
            className={`rounded-full px-3 py-1 text-sm ring-1 ring-inset ${
              category === c
                ? "bg-brand-600 text-white ring-brand-600"
                : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"
            }`}
          >
            {c || "All"}
          </button>
        ))}
      </div>
      <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3">
        {shown.map((t) => (
          <li key={t.id}>
            <button
              type="button"
              onClick={() => onPick(t.id)}
              className="flex h-full w-full flex-col rounded-lg border border-slate-200 bg-white p-4 text-left shadow-sm hover:border-brand-500 focus-visible:border-brand-500"
            >
              <span className="flex items-center gap-3">
                <Logo id={t.id} name={t.name} size="lg" />
                <span className="min-w-0">
                  <span className="block font-medium">{t.name}</span>
                  <span className="text-xs text-slate-500">{t.category}</span>
                </span>
              </span>
              <span className="mt-1 block text-sm text-slate-600">{t.description}</span>
              {t.detail && <span className="mt-2 block text-xs text-slate-500">{t.detail}</span>}
            </button>
          </li>
        ))}
      </ul>
      {shown.length === 0 && (
        <p className="text-sm text-slate-500">
          Nothing matches{q ? ` “${query}”` : ""}
          {category ? ` in ${category}` : ""}.
        </p>
      )}
    </div>
  );
}
