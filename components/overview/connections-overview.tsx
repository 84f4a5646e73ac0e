"use client";

import { useWorkspace } from "@/components/console/workspace-context";
import { ConnectionsList } from "@/components/overview/connections-list";
import { ConnectionsMap } from "@/components/overview/connections-map";
import { FirstSteps } from "@/components/overview/first-steps";
import { useConnections } from "@/components/overview/use-connections";
import { Card, EmptyState, ErrorState } from "@/components/ui/states";

// The workspace overview's Connections card: the map on wide screens, the stacked list below
// 1024 px, first steps while the workspace is not set up yet.

function Loading() {
  return (
    <div role="status" aria-label="Loading connections" className="grid gap-3 lg:grid-cols-[20rem_1fr_20rem]">
      {[0, 1, 2].map((i) => (
        <div
          key={i}
          className={`h-24 animate-pulse rounded-lg bg-slate-100 ${i === 1 ? "hidden lg:block" : ""}`}
        />
      ))}
    </div>
  );
}

export function ConnectionsOverview() {
  const ws = useWorkspace();
  const { data, error, refetch } = useConnections();
  const base = `/${ws.slug}`;
  const title = "Connections · last 24 hours";
  if (error && !data)
    return (
      <Card title={title}>
        <ErrorState error={error} onRetry={() => refetch()} />
      </Card>
    );
  if (!data)
    return (
      <Card title={title}>
        <Loading />
      </Card>
    );
  const steps = data.firstSteps;
  const canAdd = { source: ws.can("sources.write"), destination: ws.can("destinations.write") };
  const showSteps = !(steps.source && steps.event && steps.destination);
  return (
    <div className="space-y-6">
      {showSteps && <FirstSteps view={data} base={base} canAdd={canAdd} />}
      {data.sources.length > 0 ? (
        <Card title={title}>
          {error && (
            <div className="mb-3">
              <ErrorState error={error} onRetry={() => refetch()} />
            </div>
          )}
          <div className="hidden lg:block">
            <ConnectionsMap view={data} base={base} />
          </div>
          <div className="lg:hidden">
            <ConnectionsList view={data} base={base} />
          </div>
        </Card>
      ) : (
        steps.source &&
        data.labels && (
          <EmptyState title="No sources in your labels">
            Your access is limited to {data.labels.join(", ")}; this workspace has no source with{" "}
            {data.labels.length === 1 ? "that label" : "those labels"} yet.
          </EmptyState>
        )
      )}
    </div>
  );
}
