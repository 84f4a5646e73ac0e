import type Database from "better-sqlite3";
import { getDestinationType, sourceTypeName } from "@/lib/catalog";
import { db } from "@/lib/db";
import { sqlite } from "@/lib/db/sqlite";
import { all, perform, pluck, type Work } from "@/lib/db/work";
import { pendingRetries } from "@/lib/delivery/health";
import { destinationHealth } from "@/lib/destinations/queries";
import { acceptedPerSourceSince } from "@/lib/ingest/sqlite-store";
import { HOUR } from "@/lib/metrics/period";
import { splitWindow } from "@/lib/metrics/rollup-reader";
import { compactedEnough } from "@/lib/metrics/scheduler";
import { watermarkOf } from "@/lib/metrics/watermark";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// The Connections overview: every source, every destination, the links between them and each
// one's last 24 hours. Delivery numbers come from the delivery rollups (hourly rows where
// compacted, minute rows for the rest), per (destination, source), over the same window as the
// Delivery health table, so the two agree. "Received" is the Sources list's own 24 h figure.
//
// A label-scoped member sees the sources of their labels and the destinations connected to one
// of them; a destination's counts then add up only the traffic of the sources they may see.

export interface ConnectionsSource {
  id: string;
  name: string;
  type: string;
  typeName: string;
  environment: string;
  enabled: boolean;
  /** Accepted events received in the last 24 hours. */
  received: number;
  /** Delivered / not delivered to its destinations in the window (all destinations summed). */
  delivered: number;
  notDelivered: number;
}

export interface ConnectionsDestination {
  id: string;
  name: string;
  type: string;
  typeName: string;
  enabled: boolean;
  state: "healthy" | "degraded" | "failing";
  reason: string | null;
  delivered: number;
  notDelivered: number;
  /** Messages in the queue that failed at least once and wait for another attempt. */
  retrying: number;
}

export interface Connection {
  sourceId: string;
  destinationId: string;
  delivered: number;
  notDelivered: number;
}

export interface ConnectionsView {
  window: { from: number; to: number };
  sources: ConnectionsSource[];
  destinations: ConnectionsDestination[];
  connections: Connection[];
  /** The empty workspace's checklist; true once done (also for steps done before a deletion). */
  firstSteps: { source: boolean; event: boolean; destination: boolean };
  /** The viewer's label scope (null: every label), so the page can say why some are hidden. */
  labels: readonly string[] | null;
}

interface PairSums {
  destinationId: string;
  sourceId: string;
  delivered: number;
  notDelivered: number;
}

/** Delivered and not delivered per (destination, source) of a workspace in [from, to). */
function* pairSums(workspaceId: string, from: number, to: number): Work<PairSums[]> {
  const split = splitWindow(from, to, yield* watermarkOf("hourly"));
  const sum = (table: string, column: string, a: number, b: number) =>
    all<PairSums>(
      `SELECT "destinationId", "sourceId", SUM("delivered") AS "delivered", SUM("notDelivered") AS "notDelivered"
       FROM "${table}" WHERE "workspaceId" = ? AND "${column}" >= ? AND "${column}" < ? GROUP BY "destinationId", "sourceId"`,
      [workspaceId, a, b],
    );
  const rows = split.hours ? yield* sum("DeliveryRollupHour", "hour", ...split.hours) : [];
  for (const [a, b] of split.minutes) rows.push(...(yield* sum("DeliveryRollup", "minute", a, b)));
  return rows;
}

/** The delivery figures of the page, read off the event loop on PostgreSQL (lib/db/work.ts). */
function* deliveryFigures(
  db: Database.Database,
  workspaceId: string,
  from: number,
  now: number,
  destinationIds: string[],
) {
  yield* compactedEnough(db, now);
  const anyEvent = yield* pluck(`SELECT 1 FROM "Message" WHERE "workspaceId" = ? LIMIT 1`, [workspaceId]);
  const pairs = yield* pairSums(workspaceId, from, now);
  const retrying = new Map<string, number>();
  for (const id of destinationIds) retrying.set(id, yield* pendingRetries(id));
  return { anyEvent: anyEvent !== undefined, pairs, retrying };
}

export async function workspaceConnections(
  access: WorkspaceAccess,
  opts: { now?: number } = {},
): Promise<ConnectionsView> {
  const workspaceId = access.workspace.id;
  const now = opts.now ?? Date.now();
  const raw = sqlite();
  // The Delivery health table's window: the last 23 whole hours and the current one.
  const from = Math.floor(now / HOUR) * HOUR + HOUR - 24 * HOUR;
  const [sourceRows, destinationRows] = await Promise.all([
    db.source.findMany({
      where: { workspaceId },
      select: { id: true, name: true, type: true, environment: true, enabled: true },
      orderBy: [{ environment: "asc" }, { name: "asc" }],
    }),
    db.destination.findMany({
      where: { workspaceId },
      select: { id: true, name: true, type: true, enabled: true, sources: { select: { sourceId: true } } },
      orderBy: { name: "asc" },
    }),
  ]);
  const figures = await perform(
    raw,
    deliveryFigures(
      raw,
      workspaceId,
      from,
      now,
      destinationRows.map((d) => d.id),
    ),
  );
  const firstSteps = {
    source: sourceRows.length > 0,
    event: figures.anyEvent,
    destination: destinationRows.length > 0,
  };
  const sources = sourceRows.filter((s) => access.inScope(s.environment));
  const visible = new Set(sources.map((s) => s.id));
  const destinations = destinationRows.filter(
    (d) => access.labels === null || d.sources.some((s) => visible.has(s.sourceId)),
  );

  const pairs = new Map<string, PairSums>();
  for (const p of figures.pairs) {
    if (access.labels !== null && !visible.has(p.sourceId)) continue;
    const key = `${p.destinationId}\u0000${p.sourceId}`;
    const sum = pairs.get(key) ?? { ...p, delivered: 0, notDelivered: 0 };
    sum.delivered += Number(p.delivered);
    sum.notDelivered += Number(p.notDelivered);
    pairs.set(key, sum);
  }
  const perDestination = new Map<string, { delivered: number; notDelivered: number }>();
  const perSource = new Map<string, { delivered: number; notDelivered: number }>();
  for (const p of pairs.values()) {
    for (const [map, id] of [
      [perDestination, p.destinationId],
      [perSource, p.sourceId],
    ] as const) {
      const t = map.get(id) ?? { delivered: 0, notDelivered: 0 };
      t.delivered += p.delivered;
      t.notDelivered += p.notDelivered;
      map.set(id, t);
    }
  }

  const received = await acceptedPerSourceSince(raw, workspaceId, now - 24 * HOUR);
  const health = await destinationHealth(workspaceId);
  return {
    window: { from, to: now },
    sources: sources.map((s) => ({
      ...s,
      typeName: sourceTypeName(s.type),
      received: received.get(s.id) ?? 0,
      delivered: perSource.get(s.id)?.delivered ?? 0,
      notDelivered: perSource.get(s.id)?.notDelivered ?? 0,
    })),
    destinations: destinations.map((d) => {
      const h = health.get(d.id);
      return {
        id: d.id,
        name: d.name,
        type: d.type,
        typeName: getDestinationType(d.type)?.name ?? d.type,
        enabled: d.enabled,
        state: h?.state ?? "healthy",
        reason: h?.reason ?? null,
        delivered: perDestination.get(d.id)?.delivered ?? 0,
        notDelivered: perDestination.get(d.id)?.notDelivered ?? 0,
        retrying: figures.retrying.get(d.id) ?? 0,
      };
    }),
    connections: destinations.flatMap((d) =>
      d.sources
        .filter((s) => visible.has(s.sourceId))
        .map((s) => ({
          sourceId: s.sourceId,
          destinationId: d.id,
          delivered: pairs.get(`${d.id}\u0000${s.sourceId}`)?.delivered ?? 0,
          notDelivered: pairs.get(`${d.id}\u0000${s.sourceId}`)?.notDelivered ?? 0,
        })),
    ),
    firstSteps,
    labels: access.labels,
  };
}
