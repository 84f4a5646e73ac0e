import { formatAbsolute } from "@/components/ui/time-format";

// How the Event Delivery views write numbers, latencies and times (en-US, the console's language).
// Times in the page itself are <Time> elements (components/ui/time.tsx).

export const formatCount = (n: number) => n.toLocaleString("en-US");

export function formatLatency(ms: number | null): string {
  if (ms === null) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function formatRate(rate: number | null): string {
  if (rate === null) return "–";
  if (rate === 0) return "0%";
  if (rate > 0 && rate < 0.001) return "<0.1%";
  return `${(rate * 100).toFixed(rate < 0.1 ? 1 : 0)}%`;
}

/** For text that cannot hold a <Time> (chart tooltips, sentences in a title): the same format. */
export function formatTime(t: number, withDate = true): string {
  return formatAbsolute(t, { timeOnly: !withDate });
}

/** Axis labels: times of day for windows up to a day, dates beyond. */
export function tickFormatter(bucketMs: number, spanMs: number) {
  return (t: number) =>
    spanMs <= 86_400_000 || bucketMs < 3_600_000 ? formatTime(t, spanMs > 86_400_000) : formatAbsolute(t);
}

/** Pretty JSON for the sample panes; bodies that are JSON text are shown as JSON too. */
export function prettySample(value: unknown): string {
  const unwrap = (v: unknown): unknown => {
    if (typeof v === "string") {
      const t = v.trim();
      if ((t.startsWith("{") && t.endsWith("}")) || (t.startsWith("[") && t.endsWith("]"))) {
        try {
          return JSON.parse(t);
        } catch {
          return v;
        }
      }
      return v;
    }
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return "body" in o ? { ...o, body: unwrap(o.body) } : o;
    }
    return v;
  };
  if (value === null || value === undefined) return "(nothing was sent or received)";
  return typeof value === "string" ? value : JSON.stringify(unwrap(value), null, 2);
}
