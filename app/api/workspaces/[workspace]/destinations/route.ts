// GET /api/workspaces/:workspace/destinations - the workspace's destinations; POST - create one (secrets sealed, endpoint checked; warnings: [{ path, message }])
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { listDestinations } from "@/lib/destinations/queries";
import { destinationInput } from "@/lib/destinations/schema";
import { createDestination, destinationDetail } from "@/lib/destinations/service";

export const GET = withWorkspace("destinations.read", async ({ access }) => {
  return json({ destinations: await listDestinations(access) });
});

export const POST = withWorkspace("destinations.write", async ({ req, access }) => {
  const input = await readJson(req, destinationInput);
  const { row, audit: after, warnings } = await createDestination(access, input);
  await audit(access, {
    action: "destination.created",
    targetType: "destination",
    targetId: row.id,
    targetName: row.name,
    after: { type: row.type, ...after },
  });
  return json({ destination: await destinationDetail(access, row), warnings }, 201);
});
