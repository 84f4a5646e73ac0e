"use client";

import Link from "next/link";
import { useWorkspace } from "@/components/console/workspace-context";
import { countText, destinationTypeName } from "@/components/setup/format";
import { Badge, EnvironmentBadge } from "@/components/ui/badge";
import type { DestinationBrief } from "@/lib/use-cases/types";

/** Destinations fed by one environment's sources, with what was delivered to them (live). */
export function DestinationList({
  env,
  destinations,
}: {
  env: "dev" | "prod";
  destinations: DestinationBrief[];
}) {
  const ws = useWorkspace();
  if (!destinations.length) return null;
  return (
    <ul
      aria-label={`Connected ${env} destinations`}
      className="space-y-2"
      data-testid={`${env}-destinations`}
    >
      {destinations.map((d) => (
        <li
          key={d.id}
          data-testid={`destination-${d.id}`}
          className="flex flex-wrap items-center gap-2 rounded-md bg-slate-50 px-3 py-2"
        >
          <EnvironmentBadge label={env} />
          <Link
            href={`/${ws.slug}/destinations/${d.id}`}
            className="font-medium text-brand-700 hover:underline"
          >
            {d.name}
          </Link>
          <span className="text-xs text-slate-500">{destinationTypeName(d.type)}</span>
          {d.enabled ? <Badge tone="green">Enabled</Badge> : <Badge tone="amber">Disabled</Badge>}
          <span className="ml-auto text-xs text-slate-600" data-testid="delivered" aria-live="polite">
            {countText(d.delivered)} delivered
            {d.failed > 0 && <span className="text-red-700"> · {countText(d.failed)} not delivered</span>}
          </span>
          <Link
            href={`/${ws.slug}/destinations/${d.id}/delivery`}
            className="text-xs font-medium text-brand-700 hover:underline"
          >
            Event delivery
          </Link>
          {!d.enabled && (
            <p className="w-full text-xs text-amber-800">
              Disabled destinations receive nothing: open it and switch it on.
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
