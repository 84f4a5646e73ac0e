"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useEffect, useRef, useState } from "react";
import { SignOutEverywhere } from "@/components/auth/sign-out-everywhere";
import { ThemeSwitch } from "@/components/console/theme-switch";
import { useWorkspace } from "@/components/console/workspace-context";
import { ROLE_LABELS } from "@/lib/rbac/permissions";

/** Below Tailwind's `lg` the sidebar is a drawer opened from the top bar's menu button. */
const NARROW = "(max-width: 1023.98px)";

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
  // Open on the page it was opened on: navigating to another page closes the drawer by itself.
  const [openedOn, setOpenedOn] = useState<string | null>(null);
  const open = openedOn === pathname;
  const menuButton = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = () => {
      setOpenedOn(null);
      menuButton.current?.focus();
    };
    // Focus moves into the drawer and the page behind it is out of reach until it closes.
    panel.current?.querySelector<HTMLElement>("button, a, select")?.focus();
    const main = document.getElementById("console-main");
    main?.setAttribute("inert", "");
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && close();
    const wide = window.matchMedia(NARROW);
    const onResize = () => !wide.matches && setOpenedOn(null);
    document.addEventListener("keydown", onKey);
    wide.addEventListener("change", onResize);
    return () => {
      main?.removeAttribute("inert");
      document.removeEventListener("keydown", onKey);
      wide.removeEventListener("change", onResize);
    };
  }, [open]);

  const close = () => {
    setOpenedOn(null);
    menuButton.current?.focus();
  };

  return (
    <>
      <div className="sticky top-0 z-20 flex h-14 items-center gap-3 border-b border-slate-200 bg-white px-4 lg:hidden">
        <button
          ref={menuButton}
          type="button"
          aria-expanded={open}
          aria-controls="console-sidebar"
          onClick={() => setOpenedOn(pathname)}
          className="-ml-1 inline-flex items-center gap-2 rounded-md px-2 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100"
        >
          <MenuIcon />
          Menu
        </button>
        <span className="text-sm font-semibold tracking-tight text-brand-700">Switchyard</span>
        <span className="min-w-0 truncate text-sm text-slate-600" title={ws.name}>
          {ws.name}
        </span>
      </div>
      {open && (
        // The backdrop only catches pointer clicks; keyboard users close with Escape or the button.
        <div aria-hidden="true" className="fixed inset-0 z-30 bg-slate-900/40 lg:hidden" onClick={close} />
      )}
      <aside
        ref={panel}
        id="console-sidebar"
        aria-label="Console menu"
        className={`${
          open ? "fixed inset-y-0 left-0 z-40 flex w-72 max-w-[85vw] overflow-y-auto shadow-xl" : "hidden"
        } shrink-0 flex-col border-r border-slate-200 bg-white lg:static lg:z-auto lg:flex lg:w-60 lg:max-w-none lg:shadow-none`}
      >
        <div className="border-b border-slate-200 p-4">
          <div className="mb-2 flex items-center justify-between">
            <p className="text-sm font-semibold tracking-tight text-brand-700">Switchyard</p>
            <button
              type="button"
              onClick={close}
              aria-label="Close menu"
              className="rounded-md p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-900 lg:hidden"
            >
              <CloseIcon />
            </button>
          </div>
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
          <p className="truncate text-xs text-slate-500" title={ws.user.email}>
            {ws.user.email}
          </p>
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
    </>
  );
}

/** A 20×20 stroked line icon (the menu's open and close buttons). */
function LineIcon({ d }: { d: string }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 20 20"
      className="size-5"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.75"
    >
      <path d={d} strokeLinecap="round" />
    </svg>
  );
}

const MenuIcon = () => <LineIcon d="M3 5h14M3 10h14M3 15h14" />;
const CloseIcon = () => <LineIcon d="M5 5l10 10M15 5L5 15" />;
