// GET /api/workspaces/:workspace/sources/:sourceId/write-key - reveal the write key
// POST /api/workspaces/:workspace/sources/:sourceId/write-key - regenerate it (the old key stops at once)
import { secretJson, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { getSource } from "@/lib/sources/queries";
import { regenerateWriteKey, revealWriteKey } from "@/lib/sources/service";

export const GET = withWorkspace("sources.writeKey.read", async ({ params, access }) => {
  const source = await getSource(access, params.sourceId!);
  access.requireLabel("sources.writeKey.read", source.environment);
  return secretJson({ writeKey: await revealWriteKey(source.id) });
});

export const POST = withWorkspace("sources.write", async ({ params, access }) => {
  const source = await getSource(access, params.sourceId!);
  access.requireLabel("sources.write", source.environment);
  const writeKey = await regenerateWriteKey(source.id);
  await audit(access, {
    action: "source.write_key_regenerated",
    targetType: "source",
    targetId: source.id,
    targetName: source.name,
    before: { writeKeyHint: source.writeKeyHint },
  });
  return secretJson({ writeKey });
});
