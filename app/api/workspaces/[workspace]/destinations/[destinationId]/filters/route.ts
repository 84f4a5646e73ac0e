// GET /api/workspaces/:workspace/destinations/:destinationId/filters - the filters in order; POST - add one last
import { z } from "zod";
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { createFilter, filterAuditView, listFilters, parseFilterBody } from "@/lib/destinations/filters";
import { getDestination } from "@/lib/destinations/queries";
import { requireDestinationScope } from "@/lib/destinations/service";
import { filterInput } from "@/lib/filters/schema";

export const GET = withWorkspace("destinations.read", async ({ params, access }) => {
  const destination = await getDestination(access, params.destinationId!);
  return json({ filters: await listFilters(destination.id) });
});

export const POST = withWorkspace("destinations.write", async ({ req, params, access }) => {
  const destination = await getDestination(access, params.destinationId!);
  requireDestinationScope(access, destination);
  const input = parseFilterBody(filterInput, await readJson(req, z.unknown()));
  const filter = await createFilter(destination.id, input);
  await audit(access, {
    action: "destination.filter_created",
    targetType: "filter",
    targetId: filter.id,
    targetName: filter.name,
    after: { destination: destination.name, ...filterAuditView(filter) },
  });
  return json({ filter }, 201);
});
