"use client";

import Link from "next/link";
import { useWorkspace } from "@/components/console/workspace-context";
import { ControlBadges, HealthBadge } from "@/components/delivery/health-badge";
import { EnabledSwitch } from "@/components/destinations/enabled-switch";
import { useDestinations, useUpdateDestination } from "@/components/destinations/use-destinations";
import { EnvironmentBadge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Logo } from "@/components/ui/logo";
import { EmptyState, ErrorState, PageHeader, Spinner } from "@/components/ui/states";
import type { DestinationView } from "@/lib/destinations/queries";

export function DestinationsList() {
  const ws = useWorkspace();
  const { data, error, isPending, refetch } = useDestinations();
  const addButton = ws.can("destinations.write") && (
    <Link href={`/${ws.slug}/destinations/new`} className={buttonClass("primary")}>
      Add destination
    </Link>
  );

  return (
    <>
      <PageHeader
        title="Destinations"
        description="Tools and endpoints your events are delivered to."
        actions={addButton}
      />
      {isPending ? (
        <Spinner label="Loading destinations" />
      ) : error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : data.length === 0 ? (
        <EmptyState title="No destinations yet" action={addButton}>
          A destination receives the events of the sources you connect to it: an analytics tool, an email
          platform, a warehouse or your own webhook.
        </EmptyState>
      ) : (
        <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">Type</th>
                <th className="px-4 py-2 font-medium">Sources</th>
                <th className="px-4 py-2 font-medium">Filters</th>
                <th className="px-4 py-2 font-medium">Enabled</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.map((d) => (
                <DestinationRow key={d.id} destination={d} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function DestinationRow({ destination: d }: { destination: DestinationView }) {
  const ws = useWorkspace();
  const update = useUpdateDestination(d.id);
  return (
    <tr className="hover:bg-slate-50">
      <td className="px-4 py-2.5">
        <Link
          href={`/${ws.slug}/destinations/${d.id}`}
          className="font-medium text-brand-700 hover:underline"
        >
          {d.name}
        </Link>{" "}
        {d.health.state !== "healthy" && (
          <span title={d.health.reason ?? undefined} data-testid="health-badge">
            <HealthBadge state={d.health.state} />
          </span>
        )}
        {d.control && <ControlBadges control={d.control} />}
      </td>
      <td className="px-4 py-2.5">
        <span className="flex items-center gap-2">
          <Logo id={d.type} name={d.typeName} size="sm" />
          <span>
            <span className="block text-slate-700">{d.typeName}</span>
            <span className="text-xs text-slate-500">{d.category}</span>
          </span>
        </span>
      </td>
      <td className="px-4 py-2.5">
        {d.sources.length === 0 ? (
          <span className="text-slate-500">Not connected</span>
        ) : (
          <ul className="flex flex-wrap gap-x-3 gap-y-1">
            {d.sources.map((s) => (
              <li key={s.id} className="flex items-center gap-1 text-slate-700">
                {s.name} <EnvironmentBadge label={s.environment} />
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="px-4 py-2.5 text-slate-600">
        <Link href={`/${ws.slug}/destinations/${d.id}/filters`} className="hover:underline">
          {d.filterCount}
        </Link>
      </td>
      <td className="px-4 py-2.5">
        <div className="flex items-center gap-2">
          <EnabledSwitch
            checked={d.enabled}
            label={`${d.name} enabled`}
            pending={update.isPending}
            onChange={d.canEdit ? (enabled) => update.mutate({ enabled }) : undefined}
          />
          {update.error && (
            <span role="alert" className="text-xs text-red-600">
              {update.error.message}
            </span>
          )}
        </div>
      </td>
    </tr>
  );
}
