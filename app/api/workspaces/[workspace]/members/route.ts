// GET /api/workspaces/:workspace/members - members with name, email, role, label scope and when they joined
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { listMembers } from "@/lib/members/service";

export const GET = withWorkspace("members.read", async ({ access }) => {
  return json({ members: await listMembers(access.workspace.id) });
});
