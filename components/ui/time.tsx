"use client";

import { useSyncExternalStore } from "react";
import {
  formatAbsolute,
  formatFull,
  formatRelative,
  type TimeInput,
  toMs,
  viewerTimeZone,
} from "@/components/ui/time-format";

// Every date and time the console shows (docs/console.md): relative where recency matters, absolute
// elsewhere, always in the viewer's time zone with the full time and the zone's name on hover.
// The server does not know the viewer's zone, so the server render (and the hydration pass) shows
// the time in UTC, marked as such, and the browser renders the local time right after hydration.

const noop = () => () => {};
/** false on the server and during hydration, true afterwards: no mismatch between the two renders. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}

// One ticker for every relative time on the page, so "3 min ago" moves on without a timer each.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
function subscribeNow(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 15_000);
  }
  return () => {
    listeners.delete(listener);
    if (!listeners.size && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
function useNow(enabled: boolean): number {
  return useSyncExternalStore(
    enabled ? subscribeNow : noop,
    () => (enabled ? now : 0),
    () => 0,
  );
}

export function Time({
  value,
  mode = "absolute",
  seconds,
  timeOnly,
  className,
}: {
  value: TimeInput;
  /** relative: "3 min ago", for recency (last seen, activity); absolute: "Dec 4, 14:05". */
  mode?: "relative" | "absolute";
  seconds?: boolean;
  timeOnly?: boolean;
  className?: string;
}) {
  const hydrated = useHydrated();
  const ticking = useNow(hydrated && mode === "relative");
  const ms = toMs(value);
  if (Number.isNaN(ms)) return <span className={className}>—</span>;
  const iso = new Date(ms).toISOString();
  if (!hydrated) {
    return (
      <time dateTime={iso} title={formatFull(ms, "UTC")} className={className}>
        {formatAbsolute(ms, { timeZone: "UTC", seconds, timeOnly })} UTC
      </time>
    );
  }
  const current = ticking || Date.now();
  const text =
    mode === "relative"
      ? formatRelative(ms, current)
      : formatAbsolute(ms, { seconds, timeOnly, now: current });
  return (
    <time dateTime={iso} title={formatFull(ms)} className={className}>
      {text}
    </time>
  );
}

/** "Times are in Europe/Berlin": said once where a page lists many times. */
export function TimeZoneNote({ className }: { className?: string }) {
  const hydrated = useHydrated();
  return (
    <span className={className ?? "text-xs text-slate-500"} data-testid="time-zone-note">
      Times in {hydrated ? viewerTimeZone() : "UTC"}
    </span>
  );
}
