import type { Connection, ConnectionsDestination, ConnectionsSource } from "@/lib/metrics/connections";

// Where the Connections map puts each node. Every node has the same height, so positions are
// computed here rather than measured, and the lines and the cards cannot drift apart. Sources
// keep the API's order (by environment, then name) under one heading per environment;
// destinations are ordered by the mean position of the sources feeding them (the barycenter
// heuristic), which keeps most lines short and mostly uncrossed; unconnected ones go last.

export const NODE_H = 84;
export const GAP = 12;
export const HEADING_H = 32;

export interface Heading {
  label: string;
  count: number;
  y: number;
}

export interface MapLayout {
  height: number;
  sourceHeadings: Heading[];
  sources: { source: ConnectionsSource; y: number }[];
  destinationHeadings: Heading[];
  destinations: { destination: ConnectionsDestination; y: number }[];
  lines: { connection: Connection; y1: number; y2: number }[];
}

export const centre = (y: number) => y + NODE_H / 2;

export function layoutMap(
  sources: readonly ConnectionsSource[],
  destinations: readonly ConnectionsDestination[],
  connections: readonly Connection[],
): MapLayout {
  const sourceHeadings: Heading[] = [];
  const placedSources: MapLayout["sources"] = [];
  let y = 0;
  for (const s of sources) {
    if (sourceHeadings.at(-1)?.label !== s.environment) {
      sourceHeadings.push({ label: s.environment, count: 0, y });
      y += HEADING_H;
    }
    sourceHeadings.at(-1)!.count++;
    placedSources.push({ source: s, y });
    y += NODE_H + GAP;
  }
  const sourceHeight = y;
  const sourceY = new Map(placedSources.map((p) => [p.source.id, centre(p.y)]));

  const feeds = new Map<string, number[]>();
  for (const c of connections) {
    const at = sourceY.get(c.sourceId);
    if (at !== undefined) feeds.set(c.destinationId, [...(feeds.get(c.destinationId) ?? []), at]);
  }
  const mean = (d: ConnectionsDestination) => {
    const ys = feeds.get(d.id);
    return ys ? ys.reduce((a, b) => a + b, 0) / ys.length : Number.POSITIVE_INFINITY;
  };
  const ordered = [...destinations].sort((a, b) => mean(a) - mean(b) || a.name.localeCompare(b.name));
  const destinationHeadings: Heading[] = [];
  const placedDestinations: MapLayout["destinations"] = [];
  y = HEADING_H; // level with the first source, below its environment heading
  for (const d of ordered) {
    if (!feeds.has(d.id) && destinationHeadings.length === 0) {
      destinationHeadings.push({ label: "Not connected", count: 0, y });
      y += HEADING_H;
    }
    if (destinationHeadings.length > 0) destinationHeadings[0]!.count++;
    placedDestinations.push({ destination: d, y });
    y += NODE_H + GAP;
  }
  const destinationY = new Map(placedDestinations.map((p) => [p.destination.id, centre(p.y)]));
  const lines = connections.flatMap((c) => {
    const y1 = sourceY.get(c.sourceId);
    const y2 = destinationY.get(c.destinationId);
    return y1 === undefined || y2 === undefined ? [] : [{ connection: c, y1, y2 }];
  });
  return {
    height: Math.max(sourceHeight, y) - GAP,
    sourceHeadings,
    sources: placedSources,
    destinationHeadings,
    destinations: placedDestinations,
    lines,
  };
}
