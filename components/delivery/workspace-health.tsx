"use client";

import Link from "next/link";
import { useWorkspace } from "@/components/console/workspace-context";
import { formatCount, formatLatency, formatRate } from "@/components/delivery/format";
import { HealthActivityFeed } from "@/components/delivery/health-activity";
import { ControlBadges, HealthBadge } from "@/components/delivery/health-badge";
import { HealthSparkline } from "@/components/delivery/health-sparkline";
import { useDeliveryOverview } from "@/components/delivery/use-delivery";
import { Card, ErrorState } from "@/components/ui/states";
import { Time } from "@/components/ui/time";
import type { HealthRulesView } from "@/lib/metrics/types";

// The overview's answer to "are my destinations getting their data": the last 24 hours of each,
// its health state with the thresholds that decide it, and the history of state changes.

const pct = (r: number) => `${Math.round(r * 100)}%`;

function Thresholds({ rules }: { rules: HealthRulesView }) {
  const minutes = Math.round(rules.windowMs / 60_000);
  return (
    <p className="mt-3 text-xs text-slate-500" data-testid="health-thresholds">
      Judged every few seconds from the last {minutes} minutes of attempts (delivered, not delivered and
      failed attempts that will be retried): <strong>failing</strong> when at least {rules.minAttempts}{" "}
      attempts were made and {pct(rules.failingRate)} or more failed; <strong>degraded</strong> when, with as
      many attempts, {pct(rules.degradedRate)} or more failed, or {formatCount(rules.degradedPendingRetries)}{" "}
      or more messages wait for a retry; <strong>healthy</strong> otherwise, including when nothing was sent.
      Nothing is ever disabled automatically.
    </p>
  );
}

export function WorkspaceHealth() {
  const ws = useWorkspace();
  const { data, error, refetch } = useDeliveryOverview();
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  if (!data)
    return (
      <div
        role="status"
        className="h-40 animate-pulse rounded-lg bg-slate-100"
        aria-label="Loading delivery health"
      />
    );
  return (
    <div className="space-y-6">
      <Card title="Delivery health · last 24 hours">
        {data.destinations.length === 0 ? (
          <p className="text-sm text-slate-500">No destinations yet.</p>
        ) : (
          <div className="relative -mx-5 overflow-x-auto">
            <table className="w-full text-sm" data-testid="health-table">
              <thead className="text-left text-xs uppercase text-slate-500">
                <tr>
                  <th className="px-5 pb-2 font-medium">Destination</th>
                  <th className="px-3 pb-2 font-medium">Status</th>
                  <th className="px-3 pb-2 text-right font-medium">Delivered</th>
                  <th className="px-3 pb-2 text-right font-medium">Not delivered</th>
                  <th className="px-3 pb-2 text-right font-medium">Retrying now</th>
                  <th className="px-3 pb-2 text-right font-medium">Failed attempts</th>
                  <th className="px-3 pb-2 text-right font-medium">P95</th>
                  <th className="px-5 pb-2 font-medium">Trend</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.destinations.map((d) => (
                  <tr key={d.destinationId} data-testid="health-row">
                    <td className="px-5 py-2">
                      <Link
                        href={`/${ws.slug}/destinations/${d.destinationId}/delivery`}
                        className="font-medium text-brand-700 hover:underline"
                      >
                        {d.name}
                      </Link>
                      {!d.enabled && <span className="ml-2 text-xs text-slate-500">disabled</span>}
                    </td>
                    <td className="px-3 py-2" title={d.reason ?? undefined}>
                      <HealthBadge state={d.state} />
                      <ControlBadges control={d.control} />
                      {d.since && d.state !== "healthy" && (
                        <span className="ml-1 text-xs text-slate-500">
                          since <Time value={d.since} />
                        </span>
                      )}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatCount(d.delivered)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {formatCount(d.notDelivered)}
                      {d.notDelivered > 0 && (
                        <span className="ml-1 text-xs text-slate-500">({formatRate(d.failureRate)})</span>
                      )}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums" data-testid="health-retrying">
                      {formatCount(d.pendingRetries)}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums" data-testid="health-failed-attempts">
                      {formatCount(d.failedAttempts)}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatLatency(d.p95Ms)}</td>
                    <td className="px-5 py-1">
                      <HealthSparkline points={d.spark} />
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot className="border-t border-slate-200 text-slate-700">
                <tr>
                  <td className="px-5 py-2 font-medium" colSpan={2}>
                    All destinations
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatCount(data.totals.delivered)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {formatCount(data.totals.notDelivered)}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {formatCount(data.destinations.reduce((n, d) => n + d.pendingRetries, 0))}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {formatCount(data.destinations.reduce((n, d) => n + d.failedAttempts, 0))}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatLatency(data.totals.p95Ms)}</td>
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>
        )}
        <Thresholds rules={data.rules} />
      </Card>
      <Card title="Delivery activity">
        <HealthActivityFeed items={data.activity} />
      </Card>
    </div>
  );
}
