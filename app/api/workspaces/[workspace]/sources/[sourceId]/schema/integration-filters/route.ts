// PUT /api/workspaces/:workspace/sources/:sourceId/schema/integration-filters - switch a connected destination off/on for an event
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { integrationToggle, toggleIntegration } from "@/lib/protocols/source-settings";

export const PUT = withWorkspace("sources.write", async ({ req, params, access }) => {
  const input = await readJson(req, integrationToggle, 4096);
  return json(await toggleIntegration(access, params.sourceId!, input));
});
