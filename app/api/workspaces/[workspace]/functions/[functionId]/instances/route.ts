// POST /api/workspaces/:workspace/functions/:functionId/instances - run the deployed function: a new source, a new destination, or inserted into a destination
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { createInstance } from "@/lib/functions/instances";
import { instanceCreate } from "@/lib/functions/schema";
import { getFunction } from "@/lib/functions/service";

export const POST = withWorkspace("functions.write", async ({ req, params, access }) => {
  const row = await getFunction(access, params.functionId!);
  const input = await readJson(req, instanceCreate);
  const created = await createInstance(access, row, input);
  await audit(access, {
    action: "function.instance_created",
    targetType: "function",
    targetId: row.id,
    targetName: row.name,
    after: {
      kind: row.kind,
      instanceId: created.instanceId,
      ...("sourceId" in created ? { sourceId: created.sourceId } : {}),
      ...("destinationId" in created ? { destinationId: created.destinationId } : {}),
      settings: Object.keys(input.settings),
    },
  });
  return json({ instance: created }, 201);
});
