"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatCount, formatLatency, formatTime, tickFormatter } from "@/components/delivery/format";
import type { TrendsView } from "@/lib/metrics/types";

// Delivered vs not delivered, and P95 latency, per bucket of the period. The API returns every
// bucket, zeros included, so a quiet hour is a visible zero rather than a line drawn across it;
// a bucket without deliveries has no latency (null), which leaves a gap in the latency line.
// Animations are off: the tab refreshes every 10 s and redrawing from zero would flicker.

// Colours are CSS variables (app/globals.css) so the charts follow the light or dark theme.
const GREEN = "var(--chart-delivered)";
const RED = "var(--chart-failed)";
const AMBER = "var(--chart-retried)";
const BLUE = "var(--chart-latency)";
const AXIS = { fontSize: 11, fill: "var(--chart-axis)" };

function Frame({ title, testId, children }: { title: string; testId: string; children: React.ReactElement }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid={testId}>
      <h3 className="mb-3 text-sm font-semibold text-slate-900">{title}</h3>
      <div className="h-64">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </section>
  );
}

export function TrendCharts({ data }: { data: TrendsView }) {
  const span = Date.parse(data.window.to) - Date.parse(data.window.from);
  const tick = tickFormatter(data.window.bucketMs, span);
  const label = (t: unknown) =>
    `${formatTime(Number(t))} (${Math.round(data.window.bucketMs / 60_000)} min bucket)`;
  const axis = {
    dataKey: "t",
    tickFormatter: tick,
    minTickGap: 40,
    tick: AXIS,
  } as const;
  return (
    <div className="grid gap-4 xl:grid-cols-2">
      <Frame title="Delivered, not delivered and retried failures" testId="trend-volume">
        <BarChart data={data.points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--chart-grid)" />
          <XAxis {...axis} />
          <YAxis allowDecimals={false} width={48} tick={AXIS} />
          <Tooltip labelFormatter={label} formatter={(v) => formatCount(Number(v))} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="delivered" name="Delivered" stackId="n" fill={GREEN} isAnimationActive={false} />
          <Bar dataKey="notDelivered" name="Not delivered" stackId="n" fill={RED} isAnimationActive={false} />
          {/* Failed attempts that were retried: an outage is visible before anything is final. */}
          <Bar dataKey="retried" name="Failed attempts (retried)" fill={AMBER} isAnimationActive={false} />
        </BarChart>
      </Frame>
      <Frame title="P95 latency (end to end)" testId="trend-latency">
        <LineChart data={data.points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--chart-grid)" />
          <XAxis {...axis} />
          <YAxis width={56} tick={AXIS} tickFormatter={(v) => formatLatency(Number(v))} />
          <Tooltip
            labelFormatter={label}
            formatter={(v) => (v === null || v === undefined ? "no deliveries" : formatLatency(Number(v)))}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line
            type="linear"
            dataKey="p95Ms"
            name="P95 latency"
            stroke={BLUE}
            strokeWidth={2}
            dot={{ r: 2 }}
            connectNulls={false}
            isAnimationActive={false}
          />
        </LineChart>
      </Frame>
    </div>
  );
}

export function TrendsSkeleton() {
  return (
    <div className="grid gap-4 xl:grid-cols-2" aria-hidden>
      <div className="h-[314px] animate-pulse rounded-lg border border-slate-200 bg-slate-100" />
      <div className="h-[314px] animate-pulse rounded-lg border border-slate-200 bg-slate-100" />
    </div>
  );
}
