// POST /api/workspaces/:workspace/functions/:functionId/deploy - the working copy becomes the next version every instance runs
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { functionDetail } from "@/lib/functions/instances";
import { deployFunction, getFunction } from "@/lib/functions/service";

export const POST = withWorkspace("functions.write", async ({ params, access }) => {
  const row = await getFunction(access, params.functionId!);
  const { version, handlers } = await deployFunction(access, row);
  await audit(access, {
    action: "function.deployed",
    targetType: "function",
    targetId: row.id,
    targetName: row.name,
    before: { version: row.versions[0]?.version ?? null },
    after: { version, handlers, instances: row.instances.length },
  });
  return json({ version, function: await functionDetail(access, await getFunction(access, row.id)) });
});
