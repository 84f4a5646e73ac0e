import type Database from "better-sqlite3";
import { keyMetrics, trends } from "@/lib/metrics/dashboard";
import { errorSamples, errorSummary } from "@/lib/metrics/errors";
import { workspaceOverview } from "@/lib/metrics/overview";
import { DAY, MINUTE, type PeriodQuery, resolveWindow } from "@/lib/metrics/period";

// Times each panel's API function (what the route handler calls after authorization) for each
// period, N runs each, on the worst-case destination (the busiest), in this process.

export const PERIOD_LABELS = ["1h", "24h", "7d", "30d", "custom"] as const;
export type PeriodLabel = (typeof PERIOD_LABELS)[number];

/** The custom range: 11 days that start and end off the hour (so its edges come from minute rows). */
export function periodQueryFor(label: PeriodLabel, end: number): PeriodQuery {
  if (label !== "custom") return { period: label };
  const iso = (t: number) => new Date(t).toISOString();
  return { from: iso(end - 13 * DAY - 17 * MINUTE), to: iso(end - 2 * DAY + 7 * MINUTE) };
}

export interface Timing {
  p50: number;
  p95: number;
  max: number;
}

export function summarize(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.max(0, Math.ceil(q * s.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1]! };
}

export const PANELS = ["metrics", "errors", "trends", "samples"] as const;

export function measureFunctions(
  db: Database.Database,
  opts: { end: number; destinationId: string; workspaceId: string; errorType: string; runs: number },
): Record<string, Timing> {
  const out: Record<string, Timing> = {};
  const call = {
    metrics: (w: ReturnType<typeof resolveWindow>) =>
      keyMetrics(opts.destinationId, w, { db, now: opts.end }),
    errors: (w: ReturnType<typeof resolveWindow>) =>
      errorSummary(opts.destinationId, w, { db, now: opts.end }),
    trends: (w: ReturnType<typeof resolveWindow>) => trends(opts.destinationId, w, { db, now: opts.end }),
    samples: (w: ReturnType<typeof resolveWindow>) =>
      errorSamples(opts.destinationId, opts.errorType, w, { db }),
  };
  for (const panel of PANELS)
    for (const label of PERIOD_LABELS) {
      const times: number[] = [];
      for (let i = 0; i < opts.runs; i++) {
        const t0 = performance.now();
        call[panel](resolveWindow(periodQueryFor(label, opts.end), opts.end));
        times.push(performance.now() - t0);
      }
      out[`${panel} ${label}`] = summarize(times);
    }
  const times: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const t0 = performance.now();
    workspaceOverview(opts.workspaceId, { db, now: opts.end });
    times.push(performance.now() - t0);
  }
  out["overview 24h"] = summarize(times);
  return out;
}
