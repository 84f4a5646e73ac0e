// GET /api/workspaces/:workspace/destinations/:destinationId/warehouse - schema per connected source, Selective Sync and the tables/columns last seen; PATCH changes schema names (until fixed) and Selective Sync
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { getDestination } from "@/lib/destinations/queries";
import { warehouseUpdate } from "@/lib/warehouses/schema";
import { requireWarehouse, updateWarehouseConfig, warehouseConfig } from "@/lib/warehouses/service";

export const GET = withWorkspace("destinations.read", async ({ params, access }) => {
  const row = await getDestination(access, params.destinationId!);
  requireWarehouse(row);
  return json(await warehouseConfig(row));
});

export const PATCH = withWorkspace("destinations.write", async ({ req, params, access }) => {
  const row = await getDestination(access, params.destinationId!);
  requireWarehouse(row);
  const input = await readJson(req, warehouseUpdate);
  return json(await updateWarehouseConfig(access, row, input));
});
