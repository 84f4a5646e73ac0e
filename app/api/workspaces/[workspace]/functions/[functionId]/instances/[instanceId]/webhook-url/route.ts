// GET /api/workspaces/:workspace/functions/:functionId/instances/:instanceId/webhook-url - reveal a source function's inbound URL
// POST - regenerate it (the old URL stops working at once)
import { secretJson, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { findInstance, regenerateToken, revealWebhookUrl } from "@/lib/functions/instances";
import { getFunction, instanceEnvironments } from "@/lib/functions/service";

export const GET = withWorkspace("functions.write", async ({ params, access }) => {
  const row = await getFunction(access, params.functionId!);
  const instance = findInstance(row, params.instanceId!);
  for (const e of instanceEnvironments(instance)) access.requireLabel("functions.write", e);
  return secretJson({ webhookUrl: await revealWebhookUrl(instance) });
});

export const POST = withWorkspace("functions.write", async ({ params, access }) => {
  const row = await getFunction(access, params.functionId!);
  const instance = findInstance(row, params.instanceId!);
  for (const e of instanceEnvironments(instance)) access.requireLabel("functions.write", e);
  const webhookUrl = await regenerateToken(instance);
  await audit(access, {
    action: "function.webhook_url_regenerated",
    targetType: "function",
    targetId: row.id,
    targetName: row.name,
    after: { instanceId: instance.id, sourceId: instance.sourceId },
  });
  return secretJson({ webhookUrl });
});
