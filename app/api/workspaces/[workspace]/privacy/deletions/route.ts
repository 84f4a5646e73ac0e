// POST /api/workspaces/:workspace/privacy/deletions - erase one user's messages (by userId or anonymousId), optionally suppressing further events; answers with the request, its status and counts
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { deletionInput } from "@/lib/privacy/schema";
import { requestDeletion } from "@/lib/privacy/service";

export const POST = withWorkspace("privacy.write", async ({ req, access }) => {
  const input = await readJson(req, deletionInput, 4 * 1024);
  return json({ deletion: await requestDeletion(access, input) }, 201);
});
