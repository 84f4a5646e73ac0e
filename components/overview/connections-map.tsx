"use client";

import { useState } from "react";
import { formatCount } from "@/components/delivery/format";
import { HEADING_H, layoutMap, type MapLayout, NODE_H } from "@/components/overview/layout";
import { DestinationNode, SourceNode } from "@/components/overview/nodes";
import { EnvironmentBadge } from "@/components/ui/badge";
import type { ConnectionsView } from "@/lib/metrics/connections";

// The wide-screen Connections map: sources left, destinations right, one curve per connection.
// Hovering or focusing a node highlights its own lines and dims the rest, which keeps a map of
// dozens of nodes readable; the map scrolls inside its card when it is taller than the screen.

type Active = { kind: "source" | "destination"; id: string } | null;

const LINE_TONE: Record<string, string> = {
  healthy: "stroke-slate-300",
  degraded: "stroke-amber-400",
  failing: "stroke-red-400",
};

function Lines({ map, view, active }: { map: MapLayout; view: ConnectionsView; active: Active }) {
  const names = new Map([...view.sources, ...view.destinations].map((n) => [n.id, n.name]));
  const state = new Map(view.destinations.map((d) => [d.id, d.state]));
  // x runs 0..100 across the gutter (stretched to its width); y is in pixels.
  return (
    <svg
      className="absolute inset-0 h-full w-full overflow-visible"
      viewBox={`0 0 100 ${map.height}`}
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      {map.lines.map(({ connection: c, y1, y2 }) => {
        const on =
          active !== null &&
          (active.kind === "source" ? c.sourceId === active.id : c.destinationId === active.id);
        const tone = on
          ? "stroke-brand-600"
          : (LINE_TONE[state.get(c.destinationId) ?? ""] ?? LINE_TONE.healthy);
        return (
          <path
            key={`${c.sourceId}-${c.destinationId}`}
            d={`M 0 ${y1} C 50 ${y1}, 50 ${y2}, 100 ${y2}`}
            className={`fill-none transition-opacity ${tone} ${active && !on ? "opacity-20" : ""}`}
            strokeWidth={on ? 2.5 : 1.5}
            vectorEffect="non-scaling-stroke"
            data-testid="connection-line"
            data-source-id={c.sourceId}
            data-destination-id={c.destinationId}
          >
            <title>
              {`${names.get(c.sourceId)} → ${names.get(c.destinationId)}: ${formatCount(c.delivered)} delivered, ${formatCount(c.notDelivered)} not delivered in 24 h`}
            </title>
          </path>
        );
      })}
    </svg>
  );
}

export function ConnectionsMap({ view, base }: { view: ConnectionsView; base: string }) {
  const [active, setActive] = useState<Active>(null);
  const map = layoutMap(view.sources, view.destinations, view.connections);
  const linked = (kind: "source" | "destination", id: string) =>
    active === null ||
    (active.kind === kind && active.id === id) ||
    view.connections.some((c) =>
      kind === "source"
        ? c.sourceId === id && active.kind === "destination" && c.destinationId === active.id
        : c.destinationId === id && active.kind === "source" && c.sourceId === active.id,
    );
  const hover = (kind: "source" | "destination", id: string) => ({
    onActivate: () => setActive({ kind, id }),
    onDeactivate: () => setActive(null),
    dimmed: !linked(kind, id),
  });
  return (
    <div data-testid="connections-map">
      <div className="grid grid-cols-[minmax(0,20rem)_minmax(5rem,1fr)_minmax(0,20rem)] border-b border-slate-100 pb-2 text-xs font-medium uppercase text-slate-500">
        <span>Sources ({view.sources.length})</span>
        <span />
        <span>Destinations ({view.destinations.length})</span>
      </div>
      <div className="max-h-[70vh] overflow-y-auto pt-3 pr-1">
        <div
          className="relative grid grid-cols-[minmax(0,20rem)_minmax(5rem,1fr)_minmax(0,20rem)]"
          style={{ height: map.height }}
        >
          <ul className="relative" aria-label="Sources">
            {map.sourceHeadings.map((h) => (
              <li
                key={`h-${h.label}`}
                className="absolute flex items-center gap-2"
                style={{ top: h.y, height: HEADING_H }}
              >
                <EnvironmentBadge label={h.label} />
                <span className="text-xs text-slate-500">
                  {h.count} {h.count === 1 ? "source" : "sources"}
                </span>
              </li>
            ))}
            {map.sources.map(({ source, y }) => (
              <li key={source.id} className="absolute inset-x-0" style={{ top: y, height: NODE_H }}>
                <SourceNode
                  source={source}
                  href={`${base}/sources/${source.id}`}
                  fixed
                  className="h-full overflow-hidden"
                  {...hover("source", source.id)}
                />
              </li>
            ))}
          </ul>
          <div className="relative">
            <Lines map={map} view={view} active={active} />
          </div>
          <ul className="relative" aria-label="Destinations">
            {map.destinationHeadings.map((h) => (
              <li
                key={`h-${h.label}`}
                className="absolute flex items-center text-xs font-medium text-slate-500"
                style={{ top: h.y, height: HEADING_H }}
              >
                {h.label} ({h.count})
              </li>
            ))}
            {map.destinations.map(({ destination, y }) => (
              <li key={destination.id} className="absolute inset-x-0" style={{ top: y, height: NODE_H }}>
                <DestinationNode
                  fixed
                  className="h-full overflow-hidden"
                  destination={destination}
                  href={`${base}/destinations/${destination.id}`}
                  {...hover("destination", destination.id)}
                />
              </li>
            ))}
            {view.destinations.length === 0 && (
              <li
                className="absolute inset-x-0 rounded-lg border border-dashed border-slate-300 p-3 text-sm text-slate-500"
                style={{ top: HEADING_H }}
              >
                No destinations yet. Add one to send these events on.
              </li>
            )}
          </ul>
        </div>
      </div>
    </div>
  );
}
