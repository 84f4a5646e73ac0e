"use client";

import { CatalogPicker } from "@/components/ui/catalog-picker";
import { SOURCE_CATEGORIES, sourceTypes } from "@/lib/catalog";

const items = sourceTypes.map((t) => ({ ...t, keywords: t.library }));

export function SourceTypePicker({
  initialCategory,
  onPick,
}: {
  initialCategory?: string;
  onPick: (id: string) => void;
}) {
  return (
    <CatalogPicker
      noun="sources"
      items={items}
      categories={SOURCE_CATEGORIES}
      initialCategory={initialCategory}
      onPick={onPick}
    />
  );
}
