"use client";

import { useState } from "react";
import { DESTINATION_CATEGORIES, destinationTypes } from "@/lib/catalog";

/** The destination catalog: search plus category chips; `initialCategory` comes from ?category=. */
export function DestinationTypePicker({
  initialCategory,
  onPick,
}: {
  initialCategory?: string;
  onPick: (id: string) => void;
}) {
  const [query, setQuery] = useState("");
  const [category, setCategory] = useState(
    initialCategory && (DESTINATION_CATEGORIES as readonly string[]).includes(initialCategory)
      ? initialCategory
      : "",
  );
  const q = query.trim().toLowerCase();
  const shown = destinationTypes.filter(
    (t) =>
      (!category || t.category === category) &&
      (!q || `${t.name} ${t.description} ${t.category}`.toLowerCase().includes(q)),
  );
  return (
    <div>
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <label htmlFor="destination-search" className="sr-only">
          Search destinations
        </label>
        <input
          id="destination-search"
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search the catalog"
          className="w-64 rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
        {["", ...DESTINATION_CATEGORIES].map((c) => (
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
              <span className="mt-2 block text-xs text-slate-500">
                Receives {t.supportedTypes.join(", ")}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {shown.length === 0 && (
        <p className="text-sm text-slate-500">
          No destination matches{q ? ` “${query}”` : ""}
          {category ? ` in ${category}` : ""}.
        </p>
      )}
    </div>
  );
}
