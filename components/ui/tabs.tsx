"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** Tabs as links, so every tab has a URL that can be shared and reloaded. The first tab is the index. */
export function Tabs({ tabs }: { tabs: { href: string; label: string }[] }) {
  const pathname = usePathname();
  const current = [...tabs]
    .reverse()
    .find((t, i) => (i === tabs.length - 1 ? pathname === t.href : pathname.startsWith(t.href)));
  return (
    // On a narrow screen the row scrolls sideways inside the page instead of widening it.
    <nav aria-label="Sections" className="relative mb-6 overflow-x-auto">
      <div className="flex w-max min-w-full gap-1 border-b border-slate-200">
        {tabs.map((t) => (
          <Link
            key={t.href}
            href={t.href}
            aria-current={t === current ? "page" : undefined}
            className={`-mb-px shrink-0 whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${
              t === current
                ? "border-brand-600 text-brand-700"
                : "border-transparent text-slate-600 hover:text-slate-900"
            }`}
          >
            {t.label}
          </Link>
        ))}
      </div>
    </nav>
  );
}
