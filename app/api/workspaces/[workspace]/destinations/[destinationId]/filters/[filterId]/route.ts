// PATCH|DELETE /api/workspaces/:workspace/destinations/:destinationId/filters/:filterId - change or remove a filter
import { z } from "zod";
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import {
  deleteFilter,
  filterAuditView,
  getFilter,
  parseFilterBody,
  updateFilter,
} from "@/lib/destinations/filters";
import { getDestination } from "@/lib/destinations/queries";
import { requireDestinationScope } from "@/lib/destinations/service";
import { filterUpdate } from "@/lib/filters/schema";

export const PATCH = withWorkspace("destinations.write", async ({ req, params, access }) => {
  const destination = await getDestination(access, params.destinationId!);
  const before = await getFilter(destination.id, params.filterId!);
  requireDestinationScope(access, destination);
  const update = parseFilterBody(filterUpdate, await readJson(req, z.unknown()));
  const after = await updateFilter(before, update);
  await audit(access, {
    action: "destination.filter_updated",
    targetType: "filter",
    targetId: after.id,
    targetName: after.name,
    before: { destination: destination.name, ...filterAuditView(before) },
    after: { destination: destination.name, ...filterAuditView(after) },
  });
  return json({ filter: after });
});

export const DELETE = withWorkspace("destinations.write", async ({ params, access }) => {
  const destination = await getDestination(access, params.destinationId!);
  const filter = await getFilter(destination.id, params.filterId!);
  requireDestinationScope(access, destination);
  await deleteFilter(filter);
  await audit(access, {
    action: "destination.filter_deleted",
    targetType: "filter",
    targetId: filter.id,
    targetName: filter.name,
    before: { destination: destination.name, ...filterAuditView(filter) },
  });
  return json({ deleted: true });
});
