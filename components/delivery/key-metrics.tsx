"use client";

import type { ReactNode } from "react";
import { formatCount, formatLatency, formatRate } from "@/components/delivery/format";
import type { KeyMetricsView } from "@/lib/metrics/types";

function Metric({
  label,
  value,
  detail,
  tone = "text-slate-900",
  testId,
  help,
}: {
  label: string;
  value: ReactNode;
  detail?: ReactNode;
  tone?: string;
  testId: string;
  help: string;
}) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" title={help}>
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
      <p className={`mt-1 text-2xl font-semibold tabular-nums ${tone}`} data-testid={testId}>
        {value}
      </p>
      {detail && <p className="mt-1 text-xs text-slate-500">{detail}</p>}
    </div>
  );
}

/** The five numbers that answer "is it working": what arrived, what did not, how late, what was left out. */
export function KeyMetrics({ data }: { data: KeyMetricsView }) {
  return (
    <section aria-label="Key metrics">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5">
        <Metric
          label="Delivered"
          testId="metric-delivered"
          value={formatCount(data.delivered)}
          tone="text-emerald-700"
          detail={
            data.privacy && data.privacy.fields > 0 ? (
              <span data-testid="metric-privacy">
                {`privacy: ${formatCount(data.privacy.fields)} field${data.privacy.fields === 1 ? "" : "s"} removed from ${formatCount(data.privacy.events)} event${data.privacy.events === 1 ? "" : "s"}`}
              </span>
            ) : undefined
          }
          help="Messages the destination acknowledged in this period. Fields its privacy policy does not allow were removed before sending (the event still went)."
        />
        <Metric
          label="Not delivered"
          testId="metric-not-delivered"
          value={formatCount(data.notDelivered)}
          tone={data.notDelivered > 0 ? "text-red-700" : "text-slate-900"}
          detail={
            <span data-testid="metric-failure-rate">
              {data.failureRate !== null
                ? `${formatRate(data.failureRate)} failure rate`
                : data.failedAttempts > 0 || data.retryingNow > 0
                  ? "none given up on yet"
                  : "nothing finished in this period"}
            </span>
          }
          help="Messages given up on in this period: a terminal error, or still failing when the retry deadline passed. The reasons are in Error details below."
        />
        <Metric
          label="P95 latency"
          testId="metric-p95"
          value={formatLatency(data.p95Ms)}
          detail={
            data.p95Ms === null
              ? "no deliveries in this period"
              : `median ${formatLatency(data.p50Ms)} · end to end`
          }
          help="95% of delivered messages reached the destination within this time, measured from the moment the tracking API received the event to the destination's acknowledgement."
        />
        <Metric
          label="Filtered"
          testId="metric-filtered"
          value={formatCount(data.filtered + data.unsupported)}
          detail={
            data.filteredBy?.length
              ? data.filteredBy.map((r) => `${formatCount(r.count)} · ${r.title}`).join("; ")
              : data.unsupported > 0
                ? `incl. ${formatCount(data.unsupported)} unsupported`
                : "by filters or settings"
          }
          help="Messages not sent on purpose: the integrations object, a destination filter, an insert function or the destination's settings excluded them, or the destination has no equivalent for the call type."
        />
        <Metric
          label="Retrying now"
          testId="metric-retrying"
          value={formatCount(data.retryingNow)}
          tone={data.retryingNow > 0 ? "text-amber-700" : "text-slate-900"}
          detail={
            <>
              <span data-testid="metric-failed-attempts">
                {formatCount(data.failedAttempts)} failed attempt{data.failedAttempts === 1 ? "" : "s"} in
                this period
              </span>
              {data.queuedNow > 0 && ` · ${formatCount(data.queuedNow)} waiting for a first attempt`}
            </>
          }
          help="Messages in the queue right now that failed at least once and wait for another attempt. They count as delivered or not delivered once they finish."
        />
      </div>
      <p className="mt-2 text-xs text-slate-500" data-testid="metric-finished">
        {formatCount(data.finished)} messages finished in this period (delivered + not delivered + filtered);{" "}
        {formatCount(data.retryingNow + data.queuedNow)} are still in the queue. Not delivered counts only
        messages given up on; {formatCount(data.retried)} failed attempts in this period were retried.
        {data.replayed > 0 && (
          <span data-testid="metric-replayed">
            {" "}
            {formatCount(data.replayed)} of the messages finished in this period were replayed.
          </span>
        )}
      </p>
    </section>
  );
}

export function KeyMetricsSkeleton() {
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5" aria-hidden>
      {Array.from({ length: 5 }, (_, i) => (
        <div key={i} className="h-[104px] animate-pulse rounded-lg border border-slate-200 bg-slate-100" />
      ))}
    </div>
  );
}
