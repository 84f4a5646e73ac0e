"use client";

import { useState } from "react";
import { sourceTypes } from "@/lib/catalog";

export function SourceTypePicker({
  initialCategory,
  onPick,
}: {
  initialCategory?: string;
  onPick: (id: string) => void;
}) {
  const categories = [...new Set(sourceTypes.map((t) => t.category))];
  const [query, setQuery] = useState("");
  const [category, setCategory] = useState(
    initialCategory && categories.includes(initialCategory as never) ? initialCategory : "",
  );
  const q = query.trim().toLowerCase();
  const shown = sourceTypes.filter(
    (t) =>
      (!category || t.category === category) &&
      (!q || `${t.name} ${t.description} ${t.library}`.toLowerCase().includes(q)),
  );
  return (
    <div>
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <label htmlFor="catalog-search" className="sr-only">
          Search sources
        </label>
        <input
          id="catalog-search"
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search the catalog"
          className="w-64 rounded-md border border-slate-300 px-3 py-2 text-sm"
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
              className="h-full w-full rounded-lg border border-slate-200 bg-white p-4 text-left shadow-sm hover:border-brand-500 focus-visible:border-brand-500"
            >
              <span className="block font-medium">{t.name}</span>
              <span className="text-xs text-slate-500">{t.category}</span>
              <span className="mt-1 block text-sm text-slate-600">{t.description}</span>
            </button>
          </li>
        ))}
      </ul>
      {shown.length === 0 && <p className="text-sm text-slate-500">No source type matches “{query}”.</p>}
    </div>
  );
}
