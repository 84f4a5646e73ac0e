// GET /api/workspaces - the signed-in user's workspaces
// POST /api/workspaces - create a workspace; the creator becomes its owner
import { z } from "zod";
import { readJson } from "@/lib/api/body";
import { json, withUser } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { workspaceName } from "@/lib/workspaces/schema";
import { createWorkspace, userWorkspaces } from "@/lib/workspaces/service";

const workspaceCreate = z.object({ name: workspaceName }).strict();

export const GET = withUser(async ({ user }) => {
  return json({ workspaces: await userWorkspaces(user.id) });
});

export const POST = withUser(async ({ req, user }) => {
  const { name } = await readJson(req, workspaceCreate, 16 * 1024);
  const workspace = await createWorkspace(user.id, name);
  await audit(
    { user, workspace },
    {
      action: "workspace.created",
      targetType: "workspace",
      targetId: workspace.id,
      targetName: workspace.name,
      after: { name, slug: workspace.slug },
    },
  );
  return json({ workspace: { id: workspace.id, name: workspace.name, slug: workspace.slug } }, 201);
});
