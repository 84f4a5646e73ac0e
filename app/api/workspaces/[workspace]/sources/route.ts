// GET /api/workspaces/:workspace/sources - the workspace's sources (?environment=dev filters)
// POST /api/workspaces/:workspace/sources - create a source; answers with its write key
import { readJson } from "@/lib/api/body";
import { json, secretJson, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { getSource, listSources, toSourceView } from "@/lib/sources/queries";
import { sourceInput } from "@/lib/sources/schema";
import { createSource } from "@/lib/sources/service";

export const GET = withWorkspace("sources.read", async ({ req, access }) => {
  const environment = new URL(req.url).searchParams.get("environment") ?? undefined;
  return json({ sources: await listSources(access, environment) });
});

export const POST = withWorkspace("sources.write", async ({ req, access }) => {
  const input = await readJson(req, sourceInput);
  access.requireLabel("sources.write", input.environment);
  const { source, writeKey } = await createSource(access.workspace.id, input);
  await audit(access, {
    action: "source.created",
    targetType: "source",
    targetId: source.id,
    targetName: source.name,
    after: { name: source.name, type: source.type, environment: source.environment },
  });
  return secretJson({ source: toSourceView(await getSource(access, source.id), access), writeKey }, 201);
});
