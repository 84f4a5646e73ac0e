// PUT /api/workspaces/:workspace/privacy/sources/:sourceId - deliver or hold back the source's events that carry no consent preferences
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { sourcePrivacyInput } from "@/lib/privacy/schema";
import { setSourcePrivacy } from "@/lib/privacy/service";

export const PUT = withWorkspace("privacy.write", async ({ req, params, access }) => {
  const { withoutConsent } = await readJson(req, sourcePrivacyInput, 4 * 1024);
  return json({ source: await setSourcePrivacy(access, params.sourceId!, withoutConsent) });
});
