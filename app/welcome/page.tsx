import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { CreateWorkspaceForm } from "@/components/welcome/create-workspace-form";
import { SignOutButton } from "@/components/welcome/sign-out-button";
import { currentUser } from "@/lib/auth/session";
import { userWorkspaces } from "@/lib/workspaces/service";

export const metadata: Metadata = { title: "Welcome" };
export const dynamic = "force-dynamic";

// Outside the (console) group: a user with no workspace has no sidebar to show.
export default async function WelcomePage() {
  const user = await currentUser();
  if (!user) redirect("/login?callbackUrl=/welcome");
  const workspaces = await userWorkspaces(user.id);

  return (
    <main className="flex min-h-full items-center justify-center px-4 py-12">
      <div className="w-full max-w-md space-y-6">
        <p className="text-center text-lg font-semibold tracking-tight text-brand-700">Switchyard</p>
        <section
          className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
          aria-labelledby="create-title"
        >
          <h1 id="create-title" className="mb-1 text-lg font-semibold break-words">
            {workspaces.length ? "Create another workspace" : `Welcome, ${user.name}`}
          </h1>
          <p className="mb-4 text-sm text-slate-600">
            {workspaces.length
              ? "A workspace has its own sources, destinations and members."
              : "You are not in any workspace yet. Create one, or open the invitation link an owner sent you."}
          </p>
          <CreateWorkspaceForm autoFocus />
        </section>
        {workspaces.length > 0 && (
          <section
            className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
            aria-labelledby="yours-title"
          >
            <h2 id="yours-title" className="mb-3 text-sm font-semibold">
              Your workspaces
            </h2>
            <ul className="divide-y divide-slate-100 text-sm">
              {workspaces.map((w) => (
                <li key={w.id} className="flex items-center justify-between gap-3 py-2">
                  {/* A long name wraps instead of pushing the slug out of the card. */}
                  <Link
                    href={`/${w.slug}`}
                    className="min-w-0 break-words font-medium text-brand-700 hover:underline"
                  >
                    {w.name}
                  </Link>
                  <span className="shrink-0 text-xs text-slate-500">/{w.slug}</span>
                </li>
              ))}
            </ul>
          </section>
        )}
        <p className="text-center text-sm text-slate-500">
          Signed in as {user.email} · <SignOutButton />
        </p>
      </div>
    </main>
  );
}
