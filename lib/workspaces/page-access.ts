import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { currentUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { workspaceAccess } from "@/lib/workspaces/access";

/** For server components: the viewer's access to a workspace, or the sign-in page / a 404 page. */
export const pageAccess = cache(async (slug: string) => {
  const user = await currentUser();
  if (!user) redirect("/login");
  try {
    return await workspaceAccess(user, slug);
  } catch (err) {
    if (err instanceof AppError && err.status === 404) notFound();
    throw err;
  }
});
