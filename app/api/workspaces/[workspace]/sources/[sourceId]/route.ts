// GET|PATCH|DELETE /api/workspaces/:workspace/sources/:sourceId - one source
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { db } from "@/lib/db";
import { getSource, toSourceView } from "@/lib/sources/queries";
import { sourceUpdate } from "@/lib/sources/schema";
import { notifyWriteKeyChange, requireUniqueSourceName } from "@/lib/sources/service";

export const GET = withWorkspace("sources.read", async ({ params, access }) => {
  return json({ source: toSourceView(await getSource(access, params.sourceId!), access) });
});

export const PATCH = withWorkspace("sources.write", async ({ req, params, access }) => {
  const before = await getSource(access, params.sourceId!);
  access.requireLabel("sources.write", before.environment);
  const input = await readJson(req, sourceUpdate);
  if (input.environment) access.requireLabel("sources.write", input.environment);
  if (input.name !== undefined) await requireUniqueSourceName(access.workspace.id, input.name, before.id);
  const after = await db.source.update({ where: { id: before.id }, data: input });
  if (input.enabled !== undefined) notifyWriteKeyChange();
  const pick = (s: { name: string; environment: string; enabled: boolean; websiteUrl: string | null }) => ({
    name: s.name,
    environment: s.environment,
    enabled: s.enabled,
    websiteUrl: s.websiteUrl,
  });
  await audit(access, {
    action: "source.updated",
    targetType: "source",
    targetId: after.id,
    targetName: after.name,
    before: pick(before),
    after: pick(after),
  });
  return json({ source: toSourceView(await getSource(access, after.id), access) });
});

export const DELETE = withWorkspace("sources.write", async ({ params, access }) => {
  const source = await getSource(access, params.sourceId!);
  access.requireLabel("sources.write", source.environment);
  await db.source.delete({ where: { id: source.id } });
  notifyWriteKeyChange();
  await audit(access, {
    action: "source.deleted",
    targetType: "source",
    targetId: source.id,
    targetName: source.name,
  });
  return json({ deleted: true });
});
