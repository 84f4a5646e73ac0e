// How the debugger writes an event's time: the time of day for today, the date and time
// otherwise (the year too when it is not this year), in the viewer's time zone; the full ISO time
// with its offset and zone name for the hover title.

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, "0");

function sameDay(a: Date, b: Date) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

export function shortTime(at: number, now = Date.now()): string {
  const d = new Date(at);
  const n = new Date(now);
  const time = d.toLocaleTimeString("en-US", {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  });
  if (sameDay(d, n)) return time;
  const date = d.toLocaleDateString("en-US", {
    month: "short",
    day: "numeric",
    year: d.getFullYear() === n.getFullYear() ? undefined : "numeric",
  });
  return `${date}, ${time}`;
}

/** 2026-12-03T14:05:09.120+01:00 (Europe/Paris): local wall time, its offset, the zone. */
export function fullTime(at: number, zone = Intl.DateTimeFormat().resolvedOptions().timeZone): string {
  const d = new Date(at);
  const off = -d.getTimezoneOffset();
  const iso =
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}` +
    `${off < 0 ? "-" : "+"}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
  return zone ? `${iso} (${zone})` : iso;
}

/**
 * When the event happened: its `timestamp`, which ingest stores skew-corrected (receivedAt -
 * (sentAt - originalTimestamp)) or as sent for a historical import; receivedAt when absent.
 */
export function eventTime(message: Record<string, unknown>, receivedAt: number): number {
  const t = typeof message.timestamp === "string" ? Date.parse(message.timestamp) : Number.NaN;
  return Number.isFinite(t) ? t : receivedAt;
}
