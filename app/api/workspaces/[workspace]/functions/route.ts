// GET /api/workspaces/:workspace/functions - the workspace's functions; POST - create one from a template
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { functionDetail } from "@/lib/functions/instances";
import { functionCreate } from "@/lib/functions/schema";
import { createFunction, listFunctions } from "@/lib/functions/service";

export const GET = withWorkspace("functions.read", async ({ access }) => {
  return json({ functions: await listFunctions(access) });
});

export const POST = withWorkspace("functions.write", async ({ req, access }) => {
  const input = await readJson(req, functionCreate);
  const row = await createFunction(access, input);
  await audit(access, {
    action: "function.created",
    targetType: "function",
    targetId: row.id,
    targetName: row.name,
    after: { kind: row.kind, template: input.template ?? `blank-${input.kind}` },
  });
  return json({ function: await functionDetail(access, row) }, 201);
});
