import { fullTime, shortTime } from "@/lib/debugger/time";

/** A time as the debugger writes it (lib/debugger/time.ts), the full ISO time on hover. */
export function EventTime({ at, label, className }: { at: number; label?: string; className?: string }) {
  const full = fullTime(at);
  return (
    <time
      dateTime={new Date(at).toISOString()}
      title={label ? `${label} ${full}` : full}
      className={className}
    >
      {shortTime(at)}
    </time>
  );
}
