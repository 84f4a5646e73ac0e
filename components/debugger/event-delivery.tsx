"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useWorkspace } from "@/components/console/workspace-context";
import { formatLatency, formatTime } from "@/components/delivery/format";
import { Badge, type Tone } from "@/components/ui/badge";
import { api } from "@/lib/api/client";
import type { EventDeliveryState, EventDeliveryView } from "@/lib/delivery/event-delivery";

// The debugger's Delivery tab: for the selected event, what became of it at each destination
// connected to the source, with a link to that destination's Event Delivery around that time.

const LABELS: Record<EventDeliveryState, [string, Tone]> = {
  delivered: ["delivered", "green"],
  filtered: ["filtered", "gray"],
  unsupported: ["unsupported", "gray"],
  retrying: ["retrying", "amber"],
  not_delivered: ["not delivered", "red"],
  queued: ["queued", "blue"],
  not_routed: ["not sent", "gray"],
};

const HALF_HOUR = 30 * 60_000;

export function EventDelivery({ sourceId, seq }: { sourceId: string; seq: number }) {
  const ws = useWorkspace();
  const { data, error, isPending } = useQuery({
    queryKey: ["event-delivery", ws.slug, sourceId, seq],
    queryFn: () => api<EventDeliveryView>(ws.api(`/sources/${sourceId}/events/${seq}/delivery`)),
    // A message still in flight changes state within seconds.
    refetchInterval: (q) =>
      q.state.data?.destinations.some((d) => ["retrying", "queued", "not_routed"].includes(d.state))
        ? 3_000
        : false,
  });
  if (isPending)
    return (
      <p className="p-4 text-sm text-slate-500" role="status">
        Loading delivery…
      </p>
    );
  if (error)
    return (
      <p className="p-4 text-sm text-red-700" role="alert">
        {error.message}
      </p>
    );
  if (data.destinations.length === 0)
    return <p className="p-4 text-sm text-slate-500">No destination is connected to this source.</p>;
  return (
    <ul
      className="min-h-0 flex-1 divide-y divide-slate-100 overflow-auto"
      aria-label="Delivery per destination"
    >
      {data.destinations.map((d) => {
        const [label, tone] = LABELS[d.state];
        const at = d.at ?? data.receivedAt;
        const qs = new URLSearchParams({
          from: new Date(Math.floor((at - HALF_HOUR) / 60_000) * 60_000).toISOString(),
          to: new Date(Math.min(Date.now(), Math.ceil((at + HALF_HOUR) / 60_000) * 60_000)).toISOString(),
        });
        return (
          <li
            key={d.destinationId}
            className="px-4 py-3 text-sm"
            data-testid="event-delivery-row"
            data-state={d.state}
          >
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium text-slate-900">{d.name}</span>
              <Badge tone={tone}>{label}</Badge>
              {d.replayed && <Badge tone="violet">replayed</Badge>}
              {d.paused && <Badge tone="violet">paused</Badge>}
              <Link
                href={`/${ws.slug}/destinations/${d.destinationId}/delivery?${qs}`}
                className="ml-auto text-xs font-medium text-brand-700 hover:underline"
              >
                Event Delivery at that time
              </Link>
            </div>
            <p className="mt-1 text-xs text-slate-600" data-testid="event-delivery-detail">
              {d.state === "delivered" &&
                `HTTP ${d.httpStatus ?? "–"} · ${formatLatency(d.latencyMs)} end to end · ${d.attempts} attempt${d.attempts === 1 ? "" : "s"}${d.at ? ` · ${formatTime(d.at)}` : ""}`}
              {(d.state === "filtered" || d.state === "unsupported") && `By ${d.title}: ${d.detail ?? ""}`}
              {d.state === "retrying" &&
                `${d.attempts} failed attempt${d.attempts === 1 ? "" : "s"}, last: ${d.title ?? "error"}${d.httpStatus ? ` (HTTP ${d.httpStatus})` : ""} — ${d.detail ?? ""}${d.nextAttemptAt ? ` · next attempt ${formatTime(d.nextAttemptAt)}` : ""}`}
              {d.state === "not_delivered" &&
                `${d.title ?? "Failed"}${d.httpStatus ? ` (HTTP ${d.httpStatus})` : ""} after ${d.attempts} attempt${d.attempts === 1 ? "" : "s"}: ${d.detail ?? ""}`}
              {d.state === "queued" && (d.detail ?? "Waiting for its first attempt")}
              {d.state === "not_routed" && d.detail}
            </p>
            {d.privacyRemoved.length > 0 && (
              <p className="mt-1 text-xs text-amber-800" data-testid="event-delivery-privacy">
                privacy: {d.privacyRemoved.length} field{d.privacyRemoved.length === 1 ? "" : "s"} removed (
                {d.privacyRemoved.join(", ")})
              </p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
