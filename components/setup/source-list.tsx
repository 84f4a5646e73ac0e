"use client";

import Link from "next/link";
import { useWorkspace } from "@/components/console/workspace-context";
import { Badge, EnvironmentBadge } from "@/components/ui/badge";
import { sourceTypeName } from "@/lib/catalog";
import type { SourceBrief } from "@/lib/use-cases/types";

/** The connected sources of one environment, each with its debugger one click away. */
export function SourceList({ env, sources }: { env: "dev" | "prod"; sources: SourceBrief[] }) {
  const ws = useWorkspace();
  if (!sources.length) return null;
  return (
    <ul aria-label={`Connected ${env} sources`} className="space-y-2" data-testid={`${env}-sources`}>
      {sources.map((s) => (
        <li key={s.id} className="flex flex-wrap items-center gap-2 rounded-md bg-slate-50 px-3 py-2">
          <EnvironmentBadge label={env} />
          <Link href={`/${ws.slug}/sources/${s.id}`} className="font-medium text-brand-700 hover:underline">
            {s.name}
          </Link>
          <span className="text-xs text-slate-500">{sourceTypeName(s.type)}</span>
          {!s.enabled && <Badge tone="amber">Disabled</Badge>}
          {s.publishedFrom && <span className="text-xs text-slate-500">published from dev</span>}
          <Link
            href={`/${ws.slug}/sources/${s.id}/debugger`}
            className="ml-auto text-xs font-medium text-brand-700 hover:underline"
          >
            Open debugger
          </Link>
        </li>
      ))}
    </ul>
  );
}
