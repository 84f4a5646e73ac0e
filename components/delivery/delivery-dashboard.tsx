"use client";

import { DeliveryControls } from "@/components/delivery/delivery-controls";
import { ErrorTable } from "@/components/delivery/error-table";
import { KeyMetrics, KeyMetricsSkeleton } from "@/components/delivery/key-metrics";
import { PeriodSelector } from "@/components/delivery/period-selector";
import { ReplayPanel } from "@/components/delivery/replay-panel";
import { TrendCharts, TrendsSkeleton } from "@/components/delivery/trend-charts";
import {
  type InitialPanels,
  useDeliveryErrors,
  useDeliveryMetrics,
  useDeliveryTrends,
} from "@/components/delivery/use-delivery";
import { usePeriod } from "@/components/delivery/use-period";
import { Button } from "@/components/ui/button";
import { Card, EmptyState, ErrorState } from "@/components/ui/states";
import { Time } from "@/components/ui/time";

// The Event Delivery tab: is this destination getting its events, and if not, why. Three panels
// (Key metrics, Error details, Trends) follow one time period taken from the URL.

export function DeliveryDashboard({
  destinationId,
  docsUrl,
  typeName,
  initial,
}: {
  destinationId: string;
  docsUrl: string | null;
  typeName: string;
  initial?: InitialPanels;
}) {
  const period = usePeriod();
  const metrics = useDeliveryMetrics(destinationId, period.qs, initial);
  const errors = useDeliveryErrors(destinationId, period.qs, initial);
  const trends = useDeliveryTrends(destinationId, period.qs, initial);
  const window = metrics.data?.window;
  const failed = metrics.error ?? errors.error ?? trends.error;

  const header = (
    <div className="mb-4 flex flex-wrap items-start justify-between gap-3">
      <div>
        <p className="text-sm text-slate-600">
          Delivery results for this destination: what arrived, what did not and why, and how long it took.
        </p>
        {window && (
          <p className="mt-0.5 text-xs text-slate-500" data-testid="period-range">
            <Time value={window.from} /> – <Time value={window.to} /> · refreshes every 10 s
            {(metrics.isFetching || errors.isFetching || trends.isFetching) && " · updating…"}
          </p>
        )}
      </div>
      <PeriodSelector state={period} />
    </div>
  );

  if (period.invalid || (failed && !metrics.data))
    return (
      <>
        {header}
        <ErrorState error={period.invalid ? new Error(period.invalid) : failed} />
        <Button className="mt-3" variant="secondary" onClick={() => period.setPreset("24h")}>
          Show the last 24 hours
        </Button>
      </>
    );

  const operations = (
    <>
      {metrics.data && (
        <DeliveryControls destinationId={destinationId} metrics={metrics.data} errors={errors.data} />
      )}
    </>
  );

  if (metrics.data && !metrics.data.hasHistory)
    return (
      <div className="space-y-6">
        {header}
        {operations}
        <ReplayPanel destinationId={destinationId} />
        <EmptyState title="No events have reached this destination yet">
          Once the connected sources send events and the destination is enabled, this tab shows how many were
          delivered and how many were not, the end-to-end P95 latency, each kind of error with sample payloads
          (what you sent, the request to the destination and its response) and how all of it trends over time.
          It refreshes by itself.
        </EmptyState>
      </div>
    );

  return (
    <div className="space-y-6">
      {header}
      {operations}
      {metrics.data ? <KeyMetrics data={metrics.data} /> : <KeyMetricsSkeleton />}
      <Card title="Error details">
        <div className="relative -m-5 overflow-x-auto">
          {errors.data ? (
            <ErrorTable
              destinationId={destinationId}
              data={errors.data}
              qs={period.qs}
              docsUrl={docsUrl}
              typeName={typeName}
            />
          ) : (
            <div role="status" className="h-24 animate-pulse bg-slate-100" aria-label="Loading errors" />
          )}
        </div>
      </Card>
      <section aria-label="Trends" className="space-y-2">
        <h2 className="text-sm font-semibold text-slate-900">Trends</h2>
        {trends.data ? <TrendCharts data={trends.data} /> : <TrendsSkeleton />}
      </section>
      <ReplayPanel destinationId={destinationId} />
    </div>
  );
}
