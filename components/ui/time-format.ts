// The console's one date-time format (docs/console.md). Pure, so the rules are unit-tested;
// <Time> (components/ui/time.tsx) renders them in the viewer's time zone.
//   absolute: "Dec 4, 14:05" (the year only when it is not this year; seconds where they matter)
//   relative: "just now", "42 s ago", "3 min ago", "5 h ago", "2 d ago"; a week or more falls back
//             to absolute, and the future reads "in 3 min"
//   full (hover text): "Friday, December 4, 2026 at 14:05:07 GMT+1 (Europe/Berlin)"

export type TimeInput = string | number | Date;

export function toMs(value: TimeInput): number {
  return value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const cacheKey = `${key}|${options.timeZone ?? ""}`;
  let f = formatters.get(cacheKey);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", options);
    formatters.set(cacheKey, f);
  }
  return f;
}

/** The viewer's time zone, e.g. "Europe/Berlin" ("UTC" when the runtime does not say). */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

function yearOf(ms: number, timeZone?: string): string {
  return formatter("year", { year: "numeric", timeZone }).format(ms);
}

export interface AbsoluteOptions {
  now?: number;
  timeZone?: string;
  /** Show seconds (event arrivals, test runs); minutes otherwise. */
  seconds?: boolean;
  /** Only the time of day (a chart window within one day); the date otherwise. */
  timeOnly?: boolean;
}

export function formatAbsolute(value: TimeInput, o: AbsoluteOptions = {}): string {
  const ms = toMs(value);
  if (Number.isNaN(ms)) return "—";
  const time: Intl.DateTimeFormatOptions = {
    hour: "2-digit",
    minute: "2-digit",
    ...(o.seconds ? { second: "2-digit" } : {}),
    hourCycle: "h23",
    timeZone: o.timeZone,
  };
  if (o.timeOnly) return formatter(`t${o.seconds ? "s" : ""}`, time).format(ms);
  const sameYear = yearOf(ms, o.timeZone) === yearOf(o.now ?? Date.now(), o.timeZone);
  const date: Intl.DateTimeFormatOptions = {
    month: "short",
    day: "numeric",
    ...(sameYear ? {} : { year: "numeric" }),
  };
  return formatter(`d${sameYear ? "" : "y"}${o.seconds ? "s" : ""}`, { ...date, ...time }).format(ms);
}

const WEEK = 7 * 86_400_000;

export function formatRelative(value: TimeInput, now = Date.now(), timeZone?: string): string {
  const ms = toMs(value);
  if (Number.isNaN(ms)) return "—";
  const diff = now - ms;
  if (Math.abs(diff) >= WEEK) return formatAbsolute(ms, { now, timeZone });
  const s = Math.round(Math.abs(diff) / 1000);
  if (s < 10) return "just now";
  const span =
    s < 60
      ? `${s} s`
      : s < 3600
        ? `${Math.round(s / 60)} min`
        : s < 86_400
          ? `${Math.round(s / 3600)} h`
          : `${Math.round(s / 86_400)} d`;
  return diff >= 0 ? `${span} ago` : `in ${span}`;
}

/** The hover text: the whole date and time, with the time zone named. */
export function formatFull(value: TimeInput, timeZone = viewerTimeZone()): string {
  const ms = toMs(value);
  if (Number.isNaN(ms)) return "";
  const text = formatter("full", {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
    timeZone,
  }).format(ms);
  return `${text} (${timeZone})`;
}
