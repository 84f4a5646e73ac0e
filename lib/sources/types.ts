import { sourceTypes } from "@/lib/catalog";

export function sourceTypeExists(id: string): boolean {
  return sourceTypes.some((t) => t.id === id);
}
