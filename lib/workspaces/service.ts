import { db } from "@/lib/db";
import { RESERVED_SLUGS, slugify, uniqueSlug } from "@/lib/slug";

/** Creates a workspace owned by `userId`. */
export async function createWorkspace(userId: string, name: string) {
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
