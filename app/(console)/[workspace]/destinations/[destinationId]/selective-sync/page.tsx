import type { Metadata } from "next";
import { WarehouseTab } from "@/components/warehouses/warehouse-tabs";

export const metadata: Metadata = { title: "Selective Sync" };

export default async function SelectiveSyncPage({ params }: { params: Promise<{ destinationId: string }> }) {
  return <WarehouseTab destinationId={(await params).destinationId} tab="selective-sync" />;
}
