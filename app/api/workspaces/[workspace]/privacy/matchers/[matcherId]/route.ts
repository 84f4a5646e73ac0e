// PATCH /api/workspaces/:workspace/privacy/matchers/:matcherId - turn a custom matcher on or off; DELETE - remove it
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { matcherPatch } from "@/lib/privacy/schema";
import { deleteMatcher, setMatcherEnabled } from "@/lib/privacy/service";

export const PATCH = withWorkspace("privacy.write", async ({ req, params, access }) => {
  const { enabled } = await readJson(req, matcherPatch, 4 * 1024);
  return json({ matcher: await setMatcherEnabled(access, params.matcherId!, enabled) });
});

export const DELETE = withWorkspace("privacy.write", async ({ params, access }) => {
  await deleteMatcher(access, params.matcherId!);
  return json({ deleted: true });
});
