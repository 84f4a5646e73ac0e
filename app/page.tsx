import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { userWorkspaces } from "@/lib/workspaces/service";

export const dynamic = "force-dynamic";

export default async function Home() {
  const user = await currentUser();
  if (!user) redirect("/login");
  const [first] = await userWorkspaces(user.id);
  redirect(first ? `/${first.slug}` : "/welcome");
}
