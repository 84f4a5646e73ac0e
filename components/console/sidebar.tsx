"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { SignOutEverywhere } from "@/components/auth/sign-out-everywhere";
import { ThemeSwitch } from "@/components/console/theme-switch";
import { useWorkspace } from "@/components/console/workspace-context";
import { ROLE_LABELS } from "@/lib/rbac/permissions";

export function Sidebar({ workspaces }: { workspaces: { slug: string; name: string }[] }) {
  const ws = useWorkspace();
  const pathname = usePathname();
  const router = useRouter();
  const base = `/${ws.slug}`;
  const items = [
    { href: base, label: "Overview", exact: true },
    { href: `${base}/setup`, label: "Guided setup" },
    { href: `${base}/sources`, label: "Sources" },
    { href: `${base}/destinations`, label: "Destinations" },
    { href: `${base}/functions`, label: "Functions" },
    { href: `${base}/tracking-plans`, label: "Tracking plans" },
    { href: `${base}/privacy`, label: "Privacy" },
    { href: `${base}/members`, label: "Members" },
    ...(ws.can("audit.read") ? [{ href: `${base}/audit`, label: "Audit log" }] : []),
    ...(ws.can("workspace.update") ? [{ href: `${base}/settings`, label: "Settings" }] : []),
  ];
  return (
    <aside className="flex w-60 shrink-0 flex-col border-r border-slate-200 bg-white">
      <div className="border-b border-slate-200 p-4">
        <p className="mb-2 text-sm font-semibold tracking-tight text-brand-700">Switchyard</p>
        <label htmlFor="workspace-switcher" className="sr-only">
          Workspace
        </label>
        <select
          id="workspace-switcher"
          value={ws.slug}
          onChange={(e) => router.push(e.target.value === "__new" ? "/welcome" : `/${e.target.value}`)}
          className="w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        >
          {workspaces.map((w) => (
            <option key={w.slug} value={w.slug}>
              {w.name}
            </option>
          ))}
          <option value="__new">+ New workspace…</option>
        </select>
      </div>
      <nav aria-label="Workspace" className="flex-1 space-y-0.5 p-2">
        {items.map((item) => {
          const active = item.exact ? pathname === item.href : pathname.startsWith(item.href);
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={active ? "page" : undefined}
              className={`block rounded-md px-3 py-2 text-sm ${
                active ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100"
              }`}
            >
              {item.label}
            </Link>
          );
        })}
      </nav>
      <div className="border-t border-slate-200 p-4 text-sm">
        <p className="truncate font-medium" title={ws.user.email}>
          {ws.user.name}
        </p>
        <p className="truncate text-xs text-slate-500">{ws.user.email}</p>
        <p className="mt-1 text-xs text-slate-500" data-testid="role">
          {ROLE_LABELS[ws.role]}
          {ws.labels ? ` · ${ws.labels.join(", ")}` : ""}
        </p>
        <ThemeSwitch className="mt-3" />
        <button
          type="button"
          onClick={() => signOut({ callbackUrl: "/login" })}
          className="mt-3 text-xs font-medium text-slate-600 hover:text-slate-900"
        >
          Sign out
        </button>
        <SignOutEverywhere className="mt-1 block" />
      </div>
    </aside>
  );
}
