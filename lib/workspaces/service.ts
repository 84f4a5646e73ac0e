import { db } from "@/lib/db";
import { RESERVED_SLUGS, slugify, uniqueSlug } from "@/lib/slug";
import { requireUniqueName } from "@/lib/validation/unique-name";

/**
 * Workspace names are unique among the workspaces one user belongs to (that is the list they pick
 * from in the switcher). Checking every workspace would tell a user the names of other tenants'
 * workspaces, so two unrelated owners may both call theirs "Acme".
 */
export function requireUniqueWorkspaceName(userId: string, name: string, exceptId?: string) {
  return requireUniqueName("workspace", name, () => userWorkspaces(userId), {
    exceptId,
    where: "among your workspaces",
  });
}

/** Creates a workspace owned by `userId`. */
export async function createWorkspace(userId: string, name: string) {
  await requireUniqueWorkspaceName(userId, name);
  return db.workspace.create({
    data: {
      name,
      slug: await uniqueSlug(
        slugify(name).slice(0, 40),
        async (slug) => Boolean(await db.workspace.findUnique({ where: { slug }, select: { id: true } })),
        RESERVED_SLUGS,
      ),
      memberships: { create: { userId, role: "owner" } },
    },
  });
}

/** The workspaces a user belongs to, for the switcher and the landing redirect. */
export function userWorkspaces(userId: string) {
  return db.workspace.findMany({
    where: { memberships: { some: { userId } } },
    select: { id: true, name: true, slug: true },
    orderBy: { createdAt: "asc" },
  });
}
