"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useWorkspace } from "@/components/console/workspace-context";
import { useSources } from "@/components/sources/use-sources";
import { Badge, EnvironmentBadge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Logo } from "@/components/ui/logo";
import { EmptyState, ErrorState, PageHeader, Spinner } from "@/components/ui/states";
import { sourceTypeName } from "@/lib/catalog";

export function SourcesList({ initialEnvironment }: { initialEnvironment: string }) {
  const ws = useWorkspace();
  const router = useRouter();
  const { data, error, isPending, refetch } = useSources();
  const environment = initialEnvironment;
  const labels = [...new Set((data ?? []).map((s) => s.environment))].sort();
  const rows = (data ?? []).filter((s) => !environment || s.environment === environment);
  const addButton = ws.can("sources.write") && (
    <Link href={`/${ws.slug}/sources/new`} className={buttonClass("primary")}>
      Add source
    </Link>
  );

  return (
    <>
      <PageHeader
        title="Sources"
        description="Websites, apps and servers that send events to this workspace."
        actions={addButton}
      />
      {isPending ? (
        <Spinner label="Loading sources" />
      ) : error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : data.length === 0 ? (
        <EmptyState title="No sources yet" action={addButton}>
          A source is where events come from: a website, a mobile app or a server. Each one gets its own write
          key.
        </EmptyState>
      ) : (
        <>
          <div className="mb-3 flex items-center gap-2">
            <label htmlFor="env-filter" className="text-sm text-slate-600">
              Environment
            </label>
            <select
              id="env-filter"
              value={environment}
              onChange={(e) =>
                router.replace(`/${ws.slug}/sources${e.target.value ? `?environment=${e.target.value}` : ""}`)
              }
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
            >
              <option value="">All</option>
              {labels.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-sm">
              <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
                <tr>
                  <th className="px-4 py-2 font-medium">Name</th>
                  <th className="px-4 py-2 font-medium">Type</th>
                  <th className="px-4 py-2 font-medium">Environment</th>
                  <th className="px-4 py-2 font-medium">Status</th>
                  <th className="px-4 py-2 font-medium">Destinations</th>
                  <th
                    className="px-4 py-2 text-right font-medium"
                    title="Accepted events received in the last 24 hours"
                  >
                    Events (24 h)
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((s) => (
                  <tr key={s.id} className="hover:bg-slate-50">
                    <td className="px-4 py-2.5">
                      <Link
                        href={`/${ws.slug}/sources/${s.id}`}
                        className="font-medium text-brand-700 hover:underline"
                      >
                        {s.name}
                      </Link>
                    </td>
                    <td className="px-4 py-2.5 text-slate-600">
                      <span className="inline-flex items-center gap-2">
                        <Logo id={s.type} name={sourceTypeName(s.type)} size="sm" />
                        {sourceTypeName(s.type)}
                      </span>
                    </td>
                    <td className="px-4 py-2.5">
                      <EnvironmentBadge label={s.environment} />
                    </td>
                    <td className="px-4 py-2.5">
                      {s.enabled ? <Badge tone="green">Enabled</Badge> : <Badge>Disabled</Badge>}
                    </td>
                    <td className="px-4 py-2.5 text-slate-600">{s.destinationCount}</td>
                    <td
                      className="px-4 py-2.5 text-right tabular-nums text-slate-600"
                      data-testid="source-events-24h"
                    >
                      {(s.events24h ?? 0).toLocaleString("en-US")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rows.length === 0 && (
              <p className="p-4 text-sm text-slate-500">No sources labelled {environment}.</p>
            )}
          </div>
        </>
      )}
    </>
  );
}
