import { sourceTypes } from "@/lib/catalog";

export function sourceTypeName(id: string) {
  return sourceTypes.find((t) => t.id === id)?.name ?? id;
}
