// GET /api/workspaces/:workspace/destinations/:destinationId/syncs - a warehouse's sync history (newest first) and what is pending; POST queues a sync now (202)
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { getDestination } from "@/lib/destinations/queries";
import { requestSync, requireWarehouse, syncHistory } from "@/lib/warehouses/service";

export const GET = withWorkspace("destinations.read", async ({ req, params, access }) => {
  const row = await getDestination(access, params.destinationId!);
  requireWarehouse(row);
  const limit = Math.min(200, Math.max(1, Number(new URL(req.url).searchParams.get("limit")) || 50));
  return json(await syncHistory(row, limit));
});

export const POST = withWorkspace("destinations.write", async ({ params, access }) => {
  const row = await getDestination(access, params.destinationId!);
  const { run, created } = await requestSync(access, row);
  return json({ run, created }, created ? 202 : 200);
});
