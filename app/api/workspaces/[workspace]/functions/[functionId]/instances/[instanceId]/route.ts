// PATCH|DELETE /api/workspaces/:workspace/functions/:functionId/instances/:instanceId - an instance's settings (secrets masked); removing it
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { forbidden } from "@/lib/errors";
import {
  deleteInstance,
  findInstance,
  functionDetail,
  updateInstanceSettings,
} from "@/lib/functions/instances";
import { instanceUpdate } from "@/lib/functions/schema";
import { type FunctionRow, getFunction, instanceEnvironments } from "@/lib/functions/service";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

function requireScope(access: WorkspaceAccess, instance: FunctionRow["instances"][number]) {
  const outside = instanceEnvironments(instance).filter((e) => !access.inScope(e));
  if (outside.length)
    throw forbidden(
      `Your access is limited to ${access.labels?.join(", ")}; this instance runs on ${outside.join(", ")}`,
    );
}

export const PATCH = withWorkspace("functions.write", async ({ req, params, access }) => {
  const row = await getFunction(access, params.functionId!);
  const instance = findInstance(row, params.instanceId!);
  requireScope(access, instance);
  const input = await readJson(req, instanceUpdate);
  const change = await updateInstanceSettings(row, instance, input.settings);
  await audit(access, {
    action: "function.instance_updated",
    targetType: "function",
    targetId: row.id,
    targetName: row.name,
    before: { instanceId: instance.id, settings: change.before },
    after: { instanceId: instance.id, settings: change.after },
  });
  return json({ function: await functionDetail(access, await getFunction(access, row.id)) });
});

export const DELETE = withWorkspace("functions.write", async ({ params, access }) => {
  const row = await getFunction(access, params.functionId!);
  const instance = findInstance(row, params.instanceId!);
  requireScope(access, instance);
  await deleteInstance(instance);
  await audit(access, {
    action: "function.instance_deleted",
    targetType: "function",
    targetId: row.id,
    targetName: row.name,
    before: {
      instanceId: instance.id,
      kind: instance.kind,
      sourceId: instance.sourceId,
      destinationId: instance.destinationId,
    },
  });
  return json({ deleted: true });
});
