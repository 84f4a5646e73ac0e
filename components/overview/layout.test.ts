import { describe, expect, it } from "vitest";
import { centre, GAP, HEADING_H, layoutMap, NODE_H } from "@/components/overview/layout";
import type { ConnectionsDestination, ConnectionsSource } from "@/lib/metrics/connections";

const source = (id: string, environment: string): ConnectionsSource => ({
  id,
  name: id,
  type: "website",
  typeName: "Website",
  environment,
  enabled: true,
  received: 0,
  delivered: 0,
  notDelivered: 0,
});
const destination = (id: string): ConnectionsDestination => ({
  id,
  name: id,
  type: "webhook",
  typeName: "Webhook",
  enabled: true,
  state: "healthy",
  reason: null,
  delivered: 0,
  notDelivered: 0,
  retrying: 0,
});
const link = (sourceId: string, destinationId: string) => ({
  sourceId,
  destinationId,
  delivered: 0,
  notDelivered: 0,
});

describe("Connections map layout", () => {
  const sources = [source("a", "dev"), source("b", "dev"), source("c", "prod")];
  // Alphabetically z-prod would come last; fed by the last source it belongs at the bottom, and
  // a-dev (fed by the first) at the top, so the two lines do not cross.
  const destinations = [destination("m-both"), destination("x-alone"), destination("z-top")];
  const connections = [link("c", "m-both"), link("a", "m-both"), link("a", "z-top")];
  const map = layoutMap(sources, destinations, connections);

  it("puts one heading per environment above its sources", () => {
    expect(map.sourceHeadings.map((h) => [h.label, h.count, h.y])).toEqual([
      ["dev", 2, 0],
      ["prod", 1, HEADING_H + 2 * (NODE_H + GAP)],
    ]);
    expect(map.sources.map((s) => s.y)).toEqual([
      HEADING_H,
      HEADING_H + NODE_H + GAP,
      2 * HEADING_H + 2 * (NODE_H + GAP),
    ]);
  });

  it("orders destinations by the sources feeding them, unconnected ones last under a heading", () => {
    expect(map.destinations.map((d) => d.destination.id)).toEqual(["z-top", "m-both", "x-alone"]);
    expect(map.destinationHeadings).toEqual([
      { label: "Not connected", count: 1, y: HEADING_H + 2 * (NODE_H + GAP) },
    ]);
  });

  it("draws one line per connection between the two nodes' centres", () => {
    expect(map.lines).toHaveLength(3);
    const line = map.lines.find((l) => l.connection.sourceId === "c")!;
    expect(line.y1).toBe(centre(map.sources[2]!.y));
    expect(line.y2).toBe(centre(map.destinations[1]!.y));
  });

  it("skips a connection to a node it does not show", () => {
    expect(layoutMap(sources, destinations, [link("gone", "z-top")]).lines).toEqual([]);
  });
});
