import { z } from "zod";

// The time period every Event Delivery panel follows. One schema, shared by the route handlers,
// the client hooks and the tests. Windows are whole minutes because rollups are per minute, and
// bucket boundaries line up with hours whenever buckets are an hour or longer, so a bucket is made
// of whole hourly rollups and its count is exact. (No database imports: the browser uses this.)

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const PRESETS = {
  "1h": { label: "Last hour", durationMs: HOUR, bucketMs: MINUTE },
  "24h": { label: "Last 24 hours", durationMs: DAY, bucketMs: 15 * MINUTE },
  "7d": { label: "Last 7 days", durationMs: 7 * DAY, bucketMs: 2 * HOUR },
  "30d": { label: "Last 30 days", durationMs: 30 * DAY, bucketMs: 6 * HOUR },
} as const;
export type PresetPeriod = keyof typeof PRESETS;
export const PRESET_KEYS = Object.keys(PRESETS) as PresetPeriod[];
export const DEFAULT_PERIOD: PresetPeriod = "24h";

export const MAX_CUSTOM_MS = 90 * DAY;
export const MAX_BUCKETS = 200;
/** Bucket sizes a custom range may get: the smallest that keeps it at or under MAX_BUCKETS. */
const LADDER = [1, 5, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * MINUTE);

const instant = (label: string) =>
  z.iso.datetime({
    offset: true,
    error: `The ${label} must be a date and time (ISO 8601, e.g. 2026-03-01T12:00:00Z)`,
  });

export const periodQuery = z
  .object({
    period: z
      .enum(PRESET_KEYS as [PresetPeriod, ...PresetPeriod[]], {
        error: `period must be one of ${PRESET_KEYS.join(", ")}`,
      })
      .optional(),
    from: instant("start").optional(),
    to: instant("end").optional(),
  })
  .superRefine((q, ctx) => {
    const custom = q.from !== undefined || q.to !== undefined;
    if (custom && q.period)
      ctx.addIssue({
        code: "custom",
        path: ["period"],
        message: "Choose either a preset period or a custom range, not both",
      });
    if (!custom) return;
    if (q.from === undefined || q.to === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [q.from ? "to" : "from"],
        message: "A custom range needs both a start and an end",
      });
      return;
    }
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    if (!(from < to))
      ctx.addIssue({ code: "custom", path: ["to"], message: "The start must be before the end" });
    else if (to - from > MAX_CUSTOM_MS)
      ctx.addIssue({ code: "custom", path: ["to"], message: "A custom range can be at most 90 days" });
  });
export type PeriodQuery = z.infer<typeof periodQuery>;

export interface Window {
  period: PresetPeriod | "custom";
  /** Inclusive start, epoch ms, minute-aligned. */
  from: number;
  /** Exclusive end, epoch ms: the present for presets (never in the future), minute-aligned for custom ranges. */
  to: number;
  bucketMs: number;
  /** Buckets lie on the grid origin + k x bucketMs (0 for presets: UTC-aligned; `from` for custom ranges). */
  origin: number;
}

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;
const ceilTo = (t: number, step: number) => Math.ceil(t / step) * step;

export function customBucketMs(spanMs: number): number {
  return LADDER.find((b) => Math.ceil(spanMs / b) <= MAX_BUCKETS) ?? LADDER[LADDER.length - 1]!;
}

/**
 * Presets end at the present and start their duration earlier (on the minute); their buckets lie
 * on the UTC grid, so the first and last buckets are partial. Custom ranges are widened to whole
 * minutes, or whole hours once buckets are an hour or longer, keep a shorter last bucket when the
 * range does not divide evenly, and never end in the future.
 */
export function resolveWindow(q: PeriodQuery, now: number): Window {
  if (q.from !== undefined && q.to !== undefined) {
    let from = floorTo(Date.parse(q.from), MINUTE);
    let to = ceilTo(Date.parse(q.to), MINUTE);
    const bucketMs = customBucketMs(to - from);
    if (bucketMs >= HOUR) {
      from = floorTo(from, HOUR);
      to = ceilTo(to, HOUR);
    }
    if (to > now && from < now) to = now;
    return { period: "custom", from, to, bucketMs, origin: from };
  }
  const period = q.period ?? DEFAULT_PERIOD;
  const { durationMs, bucketMs } = PRESETS[period];
  return { period, from: floorTo(now - durationMs, MINUTE), to: now, bucketMs, origin: 0 };
}

/**
 * The exclusive end for queries on raw rows (outcomes): the end of the minute holding `to`, so they
 * agree with the per-minute rollups (a preset's `to` is the present; nothing is recorded after it).
 */
export const rawEnd = (w: Window) => Math.ceil(w.to / MINUTE) * MINUTE;

/** Start times of the window's buckets (the first and last may be cut short by `from` and `to`). */
export function bucketStarts(w: Window): number[] {
  const out: number[] = [w.from];
  for (
    let t = w.origin + (Math.floor((w.from - w.origin) / w.bucketMs) + 1) * w.bucketMs;
    t < w.to;
    t += w.bucketMs
  )
    out.push(t);
  return out;
}

/** Index in bucketStarts(w) of the bucket holding time t (t inside the window). */
export function bucketIndex(w: Window, t: number): number {
  const cell = (x: number) => Math.floor((x - w.origin) / w.bucketMs);
  return cell(t) - cell(w.from);
}

/** The query string the console uses for a period (the same on the server and in the browser). */
export function periodQueryString(q: PeriodQuery): string {
  const entries = (["period", "from", "to"] as const).flatMap((k) =>
    q[k] ? [[k, q[k]!] as [string, string]] : [],
  );
  return new URLSearchParams(entries).toString() || `period=${DEFAULT_PERIOD}`;
}

/** The window as the API returns it. */
export function windowView(w: Window) {
  return {
    period: w.period,
    from: new Date(w.from).toISOString(),
    to: new Date(w.to).toISOString(),
    bucketMs: w.bucketMs,
  };
}
export type WindowView = ReturnType<typeof windowView>;
