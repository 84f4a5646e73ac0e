import Link from "next/link";
import { type Action, can, ROLE_LABELS, ROLES, type Role } from "@/lib/rbac/permissions";

// Shown inside the console shell when the signed-in member's role cannot open a page: says so,
// names the roles that can, and offers a way back. The API answers the same request with 403.
export function Forbidden({
  page,
  action,
  role,
  workspace,
}: {
  page: string;
  action: Action;
  role: Role;
  workspace: string;
}) {
  const allowed = ROLES.filter((r) => can(r, action)).map((r) => `${ROLE_LABELS[r]}s`);
  return (
    <section className="mx-auto mt-16 max-w-lg text-center" aria-labelledby="forbidden-title">
      <p className="text-sm font-semibold text-slate-500">403</p>
      <h1 id="forbidden-title" className="mt-1 text-xl font-semibold text-slate-900">
        Your role cannot open {page}
      </h1>
      <p className="mt-3 text-sm text-slate-600" data-testid="forbidden-reason">
        You are a {ROLE_LABELS[role]} in this workspace. {allowed.join(" and ")} can open {page}; ask one of
        them if you need it.
      </p>
      <Link
        href={`/${workspace}`}
        className="mt-6 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 dark:hover:bg-brand-500"
      >
        Back to the overview
      </Link>
    </section>
  );
}
