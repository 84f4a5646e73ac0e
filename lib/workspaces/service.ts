import { db } from "@/lib/db";
import { RESERVED_SLUGS, slugify } from "@/lib/slug";

async function uniqueWorkspaceSlug(name: string) {
  const base = slugify(name).slice(0, 40);
  for (let i = 1; ; i++) {
    const slug = i === 1 ? base : `${base}-${i}`;
    if (slug.length < 2 || RESERVED_SLUGS.has(slug)) continue;
    if (!(await db.workspace.findUnique({ where: { slug }, select: { id: true } }))) return slug;
  }
}

/** Creates a workspace owned by `userId`. */
export async function createWorkspace(userId: string, name: string) {
  return db.workspace.create({
    data: { name, slug: await uniqueWorkspaceSlug(name), memberships: { create: { userId, role: "owner" } } },
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
