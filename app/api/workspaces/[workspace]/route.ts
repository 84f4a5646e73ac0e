// GET /api/workspaces/:workspace - name, slug and the viewer's role and label scope
// PATCH /api/workspaces/:workspace - rename and/or change the slug (owners); 409 when the slug is taken
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { db } from "@/lib/db";
import { conflict } from "@/lib/errors";
import type { WorkspaceAccess } from "@/lib/workspaces/access";
import { workspaceUpdate } from "@/lib/workspaces/schema";
import { requireUniqueWorkspaceName } from "@/lib/workspaces/service";

const view = (access: WorkspaceAccess, w = access.workspace) => ({
  workspace: { id: w.id, name: w.name, slug: w.slug, role: access.role, labels: access.labels },
});

export const GET = withWorkspace("workspace.read", async ({ access }) => json(view(access)));

export const PATCH = withWorkspace("workspace.update", async ({ req, access }) => {
  const input = await readJson(req, workspaceUpdate, 16 * 1024);
  const before = access.workspace;
  if (input.name !== undefined) await requireUniqueWorkspaceName(access.user.id, input.name, before.id);
  // Checked first for a clear message; the unique index still answers 409 if two owners race.
  if (
    input.slug &&
    input.slug !== before.slug &&
    (await db.workspace.findUnique({ where: { slug: input.slug } }))
  )
    throw conflict("Another workspace already uses this slug", "slug");
  const after = await db.workspace.update({
    where: { id: before.id },
    data: input,
    select: { id: true, name: true, slug: true },
  });
  if (after.name !== before.name || after.slug !== before.slug) {
    await audit(access, {
      action: "workspace.updated",
      targetType: "workspace",
      targetId: after.id,
      targetName: after.name,
      before: { name: before.name, slug: before.slug },
      after: { name: after.name, slug: after.slug },
    });
  }
  return json(view(access, after));
});
