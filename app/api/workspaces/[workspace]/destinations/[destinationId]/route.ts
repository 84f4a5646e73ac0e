// GET|PATCH|DELETE /api/workspaces/:workspace/destinations/:destinationId - one destination, settings masked
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { getDestination } from "@/lib/destinations/queries";
import { destinationUpdate } from "@/lib/destinations/schema";
import { deleteDestination, destinationDetail, updateDestination } from "@/lib/destinations/service";

export const GET = withWorkspace("destinations.read", async ({ params, access }) => {
  const row = await getDestination(access, params.destinationId!);
  return json({ destination: await destinationDetail(access, row) });
});

export const PATCH = withWorkspace("destinations.write", async ({ req, params, access }) => {
  // Look the destination up first so another workspace's id is a 404 whatever the body says.
  const current = await getDestination(access, params.destinationId!);
  const input = await readJson(req, destinationUpdate);
  const { row, audit: change, warnings } = await updateDestination(access, current, input);
  await audit(access, {
    action: "destination.updated",
    targetType: "destination",
    targetId: row.id,
    targetName: row.name,
    ...change,
  });
  return json({ destination: await destinationDetail(access, row), warnings });
});

export const DELETE = withWorkspace("destinations.write", async ({ params, access }) => {
  const row = await deleteDestination(access, params.destinationId!);
  await audit(access, {
    action: "destination.deleted",
    targetType: "destination",
    targetId: row.id,
    targetName: row.name,
    before: { type: row.type, name: row.name, sources: row.sources.map((s) => s.source.name) },
  });
  return json({ deleted: true });
});
