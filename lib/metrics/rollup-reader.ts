import type Database from "better-sqlite3";
import { HOUR } from "@/lib/metrics/period";
import { watermark } from "@/lib/metrics/watermark";

// Reads delivery rollups for a time window at the coarsest exact grain: hourly rows for the
// whole hours before the "hourly" watermark, minute rows for the rest (the window's edges and the
// recent, not yet compacted time). Callers get one callback per row with its start time `t`.

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

const cache = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(db: Database.Database) {
  return {
    // Loose index scan over the primary key (destinationId, sourceId, minute): one seek per source,
    // so the per-source minute ranges below are exact index ranges.
    nextSource: db
      .prepare(
        `SELECT "sourceId" FROM "DeliveryRollup" WHERE "destinationId" = ? AND "sourceId" > ? ORDER BY "sourceId" LIMIT 1`,
      )
      .pluck(),
    minutesOfSource: db.prepare(
      `SELECT "minute" AS "t", ${COLUMNS} FROM "DeliveryRollup"
       WHERE "destinationId" = ? AND "sourceId" = ? AND "minute" >= ? AND "minute" < ?`,
    ),
    minutesOfWorkspace: db.prepare(
      `SELECT "minute" AS "t", ${COLUMNS} FROM "DeliveryRollup" WHERE "workspaceId" = ? AND "minute" >= ? AND "minute" < ?`,
    ),
    hoursOfDestination: db.prepare(
      `SELECT "hour" AS "t", ${COLUMNS} FROM "DeliveryRollupHour" WHERE "destinationId" = ? AND "hour" >= ? AND "hour" < ?`,
    ),
    hoursOfWorkspace: db.prepare(
      `SELECT "hour" AS "t", ${COLUMNS} FROM "DeliveryRollupHour" WHERE "workspaceId" = ? AND "hour" >= ? AND "hour" < ?`,
    ),
  };
}

function statements(db: Database.Database) {
  let s = cache.get(db);
  if (!s) {
    s = prepare(db);
    cache.set(db, s);
  }
  return s;
}

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

export function readRollups(
  db: Database.Database,
  scope: Scope,
  from: number,
  to: number,
  opts: { hourly: boolean },
  visit: (row: RollupRow) => void,
): void {
  const s = statements(db);
  const split = splitWindow(from, to, opts.hourly ? watermark(db, "hourly") : null);
  const each = (rows: unknown[]) => {
    for (const r of rows as RollupRow[]) visit(r);
  };
  if ("workspaceId" in scope) {
    if (split.hours) each(s.hoursOfWorkspace.all(scope.workspaceId, ...split.hours));
    for (const [a, b] of split.minutes) each(s.minutesOfWorkspace.all(scope.workspaceId, a, b));
    return;
  }
  const id = scope.destinationId;
  if (split.hours) each(s.hoursOfDestination.all(id, ...split.hours));
  if (split.minutes.length === 0) return;
  for (let source = s.nextSource.get(id, "") as string | undefined; source !== undefined; ) {
    for (const [a, b] of split.minutes) each(s.minutesOfSource.all(id, source, a, b));
    source = s.nextSource.get(id, source) as string | undefined;
  }
}
