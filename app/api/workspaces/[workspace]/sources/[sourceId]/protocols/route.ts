// GET|PATCH /api/workspaces/:workspace/sources/:sourceId/protocols - the source's tracking plan and Schema Configuration
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { getProtocols, protocolsUpdate, updateProtocols } from "@/lib/protocols/source-settings";

export const GET = withWorkspace("sources.read", async ({ params, access }) => {
  return json(await getProtocols(access, params.sourceId!));
});

export const PATCH = withWorkspace("sources.write", async ({ req, params, access }) => {
  const input = await readJson(req, protocolsUpdate, 4096);
  return json(await updateProtocols(access, params.sourceId!, input));
});
