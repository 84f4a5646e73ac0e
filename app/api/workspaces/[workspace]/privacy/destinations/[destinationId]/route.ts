// PUT /api/workspaces/:workspace/privacy/destinations/:destinationId - what the destination may receive (all / no Red / only Green) and its consent categories
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { destinationPrivacyInput } from "@/lib/privacy/schema";
import { setDestinationPrivacy } from "@/lib/privacy/service";

export const PUT = withWorkspace("privacy.write", async ({ req, params, access }) => {
  const input = await readJson(req, destinationPrivacyInput, 16 * 1024);
  return json({ destination: await setDestinationPrivacy(access, params.destinationId!, input) });
});
