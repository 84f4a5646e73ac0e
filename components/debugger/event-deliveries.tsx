"use client";

import { useQuery } from "@tanstack/react-query";
import { useWorkspace } from "@/components/console/workspace-context";
import { Badge, type Tone } from "@/components/ui/badge";
import { api } from "@/lib/api/client";
import type { EventDelivery } from "@/lib/privacy/sql";

// Below an event's payload: what happened to it at each destination, including the fields the
// privacy step removed ("privacy: N fields removed").

const TONE: Record<string, Tone> = {
  delivered: "green",
  not_delivered: "red",
  filtered: "gray",
  unsupported: "gray",
};

export function EventDeliveries({ sourceId, seq }: { sourceId: string; seq: number }) {
  const ws = useWorkspace();
  const { data, error, isPending } = useQuery({
    queryKey: ["event-deliveries", ws.slug, sourceId, seq],
    queryFn: () =>
      api<{ deliveries: EventDelivery[] }>(ws.api(`/sources/${sourceId}/events/${seq}/deliveries`)).then(
        (r) => r.deliveries,
      ),
  });
  return (
    <div className="border-t border-slate-100 px-4 py-2 text-xs" data-testid="event-deliveries">
      <p className="mb-1 font-medium text-slate-700">Deliveries</p>
      {isPending ? (
        <p className="text-slate-500">Loading…</p>
      ) : error ? (
        <p role="alert" className="text-red-700">
          {(error as Error).message}
        </p>
      ) : data.length === 0 ? (
        <p className="text-slate-500">Not routed to any destination yet.</p>
      ) : (
        <ul className="space-y-1">
          {data.map((d) => (
            <li key={d.destinationId} className="flex flex-wrap items-center gap-2">
              <span className="font-medium text-slate-800">{d.name}</span>
              <Badge tone={TONE[d.status] ?? "blue"}>{d.status.replace("_", " ")}</Badge>
              {d.reason && <span className="text-slate-600">{d.reason}</span>}
              {d.privacyRemoved.length > 0 && (
                <span className="text-amber-800" title={d.privacyRemoved.join(", ")}>
                  privacy: {d.privacyRemoved.length} field{d.privacyRemoved.length === 1 ? "" : "s"} removed (
                  {d.privacyRemoved.join(", ")})
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
