import type { Metadata } from "next";
import { WarehouseTab } from "@/components/warehouses/warehouse-tabs";

export const metadata: Metadata = { title: "Warehouse syncs" };

export default async function WarehouseSyncsPage({ params }: { params: Promise<{ destinationId: string }> }) {
  return <WarehouseTab destinationId={(await params).destinationId} tab="syncs" />;
}
