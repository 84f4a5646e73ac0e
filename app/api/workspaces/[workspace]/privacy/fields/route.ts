// PUT /api/workspaces/:workspace/privacy/fields - classify a field path (accept the suggestion or choose), optionally block a Red field at ingest
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { fieldInput } from "@/lib/privacy/schema";
import { classifyField } from "@/lib/privacy/service";

export const PUT = withWorkspace("privacy.write", async ({ req, access }) => {
  const input = await readJson(req, fieldInput, 16 * 1024);
  return json({ field: await classifyField(access, input) });
});
