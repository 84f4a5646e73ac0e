import type { Metadata } from "next";
import { FiltersPanel } from "@/components/filters/filters-panel";

export const metadata: Metadata = { title: "Destination filters" };

export default async function DestinationFiltersPage({
  params,
}: {
  params: Promise<{ destinationId: string }>;
}) {
  return <FiltersPanel destinationId={(await params).destinationId} />;
}
