// PUT /api/workspaces/:workspace/privacy/suppressions - suppress a userId (its events are dropped at ingest) or lift the suppression
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { suppressionInput } from "@/lib/privacy/schema";
import { setSuppression } from "@/lib/privacy/service";

export const PUT = withWorkspace("privacy.write", async ({ req, access }) => {
  const { userId, suppressed } = await readJson(req, suppressionInput, 4 * 1024);
  return json({ suppression: await setSuppression(access, userId, suppressed) });
});
