"use client";

import Link from "next/link";
import { useWorkspace } from "@/components/console/workspace-context";
import { HealthBadge } from "@/components/delivery/health-badge";
import { Time } from "@/components/ui/time";
import type { HealthActivity } from "@/lib/metrics/types";

/** State changes only (healthy → failing → healthy): one entry per change, not per failed message. */
export function HealthActivityFeed({ items }: { items: HealthActivity[] }) {
  const ws = useWorkspace();
  if (items.length === 0)
    return <p className="text-sm text-slate-500">No destination has changed state yet.</p>;
  return (
    <ol className="divide-y divide-slate-100 text-sm" data-testid="health-activity">
      {items.map((a) => (
        <li key={a.id} className="flex flex-wrap items-center gap-x-2 gap-y-1 py-2">
          <Link
            href={`/${ws.slug}/destinations/${a.destinationId}/delivery`}
            className="font-medium text-brand-700 hover:underline"
          >
            {a.destinationName ?? "Deleted destination"}
          </Link>
          <span className="text-slate-500">{a.previousState ?? "new"} →</span>
          <HealthBadge state={a.state} />
          <span className="text-slate-600">{a.reason}</span>
          <Time value={a.at} mode="relative" className="ml-auto text-xs text-slate-500" />
        </li>
      ))}
    </ol>
  );
}
