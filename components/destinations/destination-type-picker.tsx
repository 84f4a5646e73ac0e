"use client";

import { CatalogPicker } from "@/components/ui/catalog-picker";
import { DESTINATION_CATEGORIES, destinationTypes } from "@/lib/catalog";

const items = destinationTypes.map((t) => ({ ...t, detail: `Receives ${t.supportedTypes.join(", ")}` }));

/** The destination catalog: search plus category chips; `initialCategory` comes from ?category=. */
export function DestinationTypePicker({
  initialCategory,
  onPick,
}: {
  initialCategory?: string;
  onPick: (id: string) => void;
}) {
  return (
    <CatalogPicker
      noun="destinations"
      items={items}
      categories={DESTINATION_CATEGORIES}
      initialCategory={initialCategory}
      onPick={onPick}
    />
  );
}
