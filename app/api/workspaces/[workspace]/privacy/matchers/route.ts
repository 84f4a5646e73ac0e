// POST /api/workspaces/:workspace/privacy/matchers - add a custom matcher (key and value glob patterns)
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { matcherInput } from "@/lib/privacy/schema";
import { createMatcher } from "@/lib/privacy/service";

export const POST = withWorkspace("privacy.write", async ({ req, access }) => {
  const input = await readJson(req, matcherInput, 64 * 1024);
  return json({ matcher: await createMatcher(access, input) }, 201);
});
