"use client";

import { useDestination } from "@/components/destinations/use-destinations";
import { ErrorState, Spinner } from "@/components/ui/states";
import { WarehouseSetup } from "@/components/warehouses/selective-sync";
import { SyncHistoryView } from "@/components/warehouses/sync-history";

/** The Syncs and Selective Sync tabs; whether the viewer may act comes from the destination view. */
export function WarehouseTab({
  destinationId,
  tab,
}: {
  destinationId: string;
  tab: "syncs" | "selective-sync";
}) {
  const { data, error, isPending, refetch } = useDestination(destinationId);
  if (isPending) return <Spinner />;
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  return tab === "syncs" ? (
    <SyncHistoryView destinationId={destinationId} canEdit={data.canEdit} />
  ) : (
    <WarehouseSetup destinationId={destinationId} canEdit={data.canEdit} />
  );
}
