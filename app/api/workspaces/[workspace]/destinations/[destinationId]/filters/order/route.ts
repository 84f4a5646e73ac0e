// PUT /api/workspaces/:workspace/destinations/:destinationId/filters/order - set the order ({ ids }: every filter once)
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { listFilters, reorderFilters } from "@/lib/destinations/filters";
import { getDestination } from "@/lib/destinations/queries";
import { requireDestinationScope } from "@/lib/destinations/service";
import { filterOrder } from "@/lib/filters/schema";

export const PUT = withWorkspace("destinations.write", async ({ req, params, access }) => {
  const destination = await getDestination(access, params.destinationId!);
  requireDestinationScope(access, destination);
  const { ids } = await readJson(req, filterOrder);
  const before = await listFilters(destination.id);
  const filters = await reorderFilters(destination.id, ids);
  await audit(access, {
    action: "destination.filters_reordered",
    targetType: "destination",
    targetId: destination.id,
    targetName: destination.name,
    before: { order: before.map((f) => f.name) },
    after: { order: filters.map((f) => f.name) },
  });
  return json({ filters });
});
