import { all, pluck, type Work } from "@/lib/db/work";
import { HOUR } from "@/lib/metrics/period";
import { watermarkOf } from "@/lib/metrics/watermark";

// Reads delivery rollups for a time window at the coarsest exact grain: hourly rows for the
// whole hours before the "hourly" watermark, minute rows for the rest (the window's edges and the
// recent, not yet compacted time). Callers get one callback per row with its start time `t`.
// Database work (lib/db/work.ts): callers run it inside their own.

export interface RollupRow {
  t: number;
  destinationId: string;
  delivered: number;
  notDelivered: number;
  filtered: number;
  unsupported: number;
  retried: number;
  latencyHist: string;
}

export type Scope = { destinationId: string } | { workspaceId: string };

const COLUMNS = `"destinationId", "delivered", "notDelivered", "filtered", "unsupported", "retried", "latencyHist"`;

// Loose index scan over the primary key (destinationId, sourceId, minute): one seek per source,
// so the per-source minute ranges below are exact index ranges.
const NEXT_SOURCE = `SELECT "sourceId" FROM "DeliveryRollup" WHERE "destinationId" = ? AND "sourceId" > ? ORDER BY "sourceId" LIMIT 1`;
const MINUTES_OF_SOURCE = `SELECT "minute" AS "t", ${COLUMNS} FROM "DeliveryRollup"
  WHERE "destinationId" = ? AND "sourceId" = ? AND "minute" >= ? AND "minute" < ?`;
const MINUTES_OF_WORKSPACE = `SELECT "minute" AS "t", ${COLUMNS} FROM "DeliveryRollup" WHERE "workspaceId" = ? AND "minute" >= ? AND "minute" < ?`;
const HOURS_OF_DESTINATION = `SELECT "hour" AS "t", ${COLUMNS} FROM "DeliveryRollupHour" WHERE "destinationId" = ? AND "hour" >= ? AND "hour" < ?`;
const HOURS_OF_WORKSPACE = `SELECT "hour" AS "t", ${COLUMNS} FROM "DeliveryRollupHour" WHERE "workspaceId" = ? AND "hour" >= ? AND "hour" < ?`;

/** Which part of [from, to) comes from hourly rows (null: none) and which from minute rows. */
export function splitWindow(
  from: number,
  to: number,
  hourlyThrough: number | null,
): { hours: [number, number] | null; minutes: [number, number][] } {
  const a = Math.ceil(from / HOUR) * HOUR;
  const b = Math.min(Math.floor(to / HOUR) * HOUR, hourlyThrough ?? Number.NEGATIVE_INFINITY);
  if (a >= b) return { hours: null, minutes: [[from, to]] };
  const minutes: [number, number][] = [];
  if (from < a) minutes.push([from, a]);
  if (b < to) minutes.push([b, to]);
  return { hours: [a, b], minutes };
}

export function* readRollups(
  scope: Scope,
  from: number,
  to: number,
  opts: { hourly: boolean },
  visit: (row: RollupRow) => void,
): Work<void> {
  const split = splitWindow(from, to, opts.hourly ? yield* watermarkOf("hourly") : null);
  const each = (rows: RollupRow[]) => {
    for (const r of rows) visit(r);
  };
  if ("workspaceId" in scope) {
    if (split.hours) each(yield* all<RollupRow>(HOURS_OF_WORKSPACE, [scope.workspaceId, ...split.hours]));
    for (const [a, b] of split.minutes)
      each(yield* all<RollupRow>(MINUTES_OF_WORKSPACE, [scope.workspaceId, a, b]));
    return;
  }
  const id = scope.destinationId;
  if (split.hours) each(yield* all<RollupRow>(HOURS_OF_DESTINATION, [id, ...split.hours]));
  if (split.minutes.length === 0) return;
  for (let source = yield* pluck<string>(NEXT_SOURCE, [id, ""]); source !== undefined; ) {
    for (const [a, b] of split.minutes) each(yield* all<RollupRow>(MINUTES_OF_SOURCE, [id, source, a, b]));
    source = yield* pluck<string>(NEXT_SOURCE, [id, source]);
  }
}
