import type { DebugEvent } from "@/components/debugger/use-debugger-stream";
import { Badge } from "@/components/ui/badge";

// What Protocols decided at ingest, shown on the event: Segment's debugger hides blocked events;
// ours keeps them, marked, so people can see why data stops.

const STEP_LABEL: Record<string, string> = {
  tracking_plan: "tracking plan",
  schema_event_filter: "schema",
};
/** Shorter, for the narrow event list. */
const STEP_SHORT: Record<string, string> = { tracking_plan: "plan", schema_event_filter: "schema" };

export function ProtocolBadges({ event }: { event: DebugEvent }) {
  const p = event.protocol;
  if (!p) return null;
  return (
    <span className="flex shrink-0 items-center gap-1 whitespace-nowrap">
      {p.blocked && (
        <span data-testid="blocked-badge" title={p.blocked.reason}>
          <Badge tone="amber">Blocked by {STEP_SHORT[p.blocked.step] ?? p.blocked.step}</Badge>
        </span>
      )}
      {p.violations && p.violations.length > 0 && (
        <span data-testid="violations-badge" title={p.violations.map((v) => v.message).join("\n")}>
          <Badge tone="violet">
            {p.violations.length} violation{p.violations.length === 1 ? "" : "s"}
          </Badge>
        </span>
      )}
      {p.forwardedFrom && <Badge tone="gray">Forwarded</Badge>}
    </span>
  );
}

export function ProtocolNotes({ event }: { event: DebugEvent }) {
  const p = event.protocol;
  if (!p) return null;
  return (
    <div
      className="border-b border-amber-100 bg-amber-50 px-4 py-2 text-sm text-amber-900"
      data-testid="protocol-notes"
    >
      {p.blocked && <p className="font-medium">{p.blocked.reason}: not sent to any destination.</p>}
      {p.forwardedFrom && <p>Forwarded here after being blocked on another source.</p>}
      {p.omitted && p.omitted.length > 0 && (
        <p>
          Omitted before delivery ({STEP_LABEL[p.omitted[0]!.step] ?? p.omitted[0]!.step}):{" "}
          {p.omitted.map((o) => o.path).join(", ")}
        </p>
      )}
      {p.violations && p.violations.length > 0 && (
        <ul className="mt-1 list-disc pl-5" aria-label="Tracking plan violations">
          {p.violations.map((v) => (
            <li key={`${v.path}:${v.code}`}>{v.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
