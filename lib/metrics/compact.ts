import type Database from "better-sqlite3";
import { DenseHistogram } from "@/lib/metrics/dense";
import { HOUR, MINUTE } from "@/lib/metrics/period";
import { pruneDerived } from "@/lib/metrics/prune";
import { initWatermark, setWatermark, watermark } from "@/lib/metrics/watermark";

// Derived tables for the dashboards, built from completed time only:
//  - DeliveryRollupHour: DeliveryRollup summed per hour, for hours that ended GRACE_MS ago (the
//    recorder writes a minute's results within milliseconds; the grace covers a stalled flush);
//  - DeliveryErrorRollup: not-delivered outcomes per minute and error type, for minutes that ended
//    GRACE_MS ago, before ARCHIVE_RETENTION_DAYS prunes the raw rows.
// Each step rebuilds its range from scratch and moves its watermark in the same transaction, so
// two processes (web server, separate delivery worker) can both run it. Queries read the source
// tables past the watermarks, so a late or stopped compaction costs speed, never correctness.

export const GRACE_MS = 2 * MINUTE;
const HOURS_PER_TX = 24;
const ERROR_MINUTES_PER_TX = 6 * 60;

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;

interface MinuteRow {
  destinationId: string;
  sourceId: string;
  workspaceId: string;
  minute: number;
  delivered: number;
  notDelivered: number;
  filtered: number;
  unsupported: number;
  retried: number;
  latencySum: number;
  latencyHist: string;
}

function compactHours(db: Database.Database, start: number, end: number): void {
  const rows = db
    .prepare(
      `SELECT "destinationId", "sourceId", "workspaceId", "minute", "delivered", "notDelivered", "filtered",
         "unsupported", "retried", "latencySum", "latencyHist"
       FROM "DeliveryRollup" WHERE "minute" >= ? AND "minute" < ?`,
    )
    .all(start, end) as MinuteRow[];
  const groups = new Map<string, MinuteRow & { hist: DenseHistogram | null }>();
  for (const r of rows) {
    const hour = floorTo(r.minute, HOUR);
    const key = `${r.destinationId}\u0000${r.sourceId}\u0000${hour}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        ...r,
        minute: hour,
        delivered: 0,
        notDelivered: 0,
        filtered: 0,
        unsupported: 0,
        retried: 0,
        latencySum: 0,
        hist: null,
      };
      groups.set(key, g);
    }
    g.delivered += r.delivered;
    g.notDelivered += r.notDelivered;
    g.filtered += r.filtered;
    g.unsupported += r.unsupported;
    g.retried += r.retried;
    g.latencySum += r.latencySum;
    if (r.latencyHist) {
      g.hist ??= new DenseHistogram();
      g.hist.addEncoded(r.latencyHist);
    }
  }
  db.prepare(`DELETE FROM "DeliveryRollupHour" WHERE "hour" >= ? AND "hour" < ?`).run(start, end);
  const insert = db.prepare(
    `INSERT INTO "DeliveryRollupHour" ("destinationId", "hour", "sourceId", "workspaceId", "delivered", "notDelivered",
       "filtered", "unsupported", "retried", "latencySum", "latencyHist") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const g of groups.values())
    insert.run(
      g.destinationId,
      g.minute,
      g.sourceId,
      g.workspaceId,
      g.delivered,
      g.notDelivered,
      g.filtered,
      g.unsupported,
      g.retried,
      g.latencySum,
      g.hist?.encode() ?? "",
    );
}

function compactErrorMinutes(db: Database.Database, start: number, end: number): void {
  const ids = db.prepare(`SELECT "id" FROM "Destination"`).pluck().all() as string[];
  const read = db.prepare(
    `SELECT "workspaceId", COALESCE("errorType", 'unknown') AS "errorType", COALESCE("httpStatus", 0) AS "httpStatus",
       ("finishedAt" / ${MINUTE}) * ${MINUTE} AS "minute", COUNT(*) AS "count", MAX("finishedAt") AS "lastAt"
     FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "finishedAt" >= ? AND "finishedAt" < ? AND "status" = 'not_delivered'
     GROUP BY 1, 2, 3, 4`,
  );
  const clear = db.prepare(
    `DELETE FROM "DeliveryErrorRollup" WHERE "destinationId" = ? AND "minute" >= ? AND "minute" < ?`,
  );
  const insert = db.prepare(
    `INSERT INTO "DeliveryErrorRollup" ("destinationId", "minute", "errorType", "httpStatus", "workspaceId", "count", "lastAt")
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const id of ids) {
    clear.run(id, start, end);
    for (const r of read.all(id, start, end) as {
      workspaceId: string;
      errorType: string;
      httpStatus: number;
      minute: number;
      count: number;
      lastAt: number;
    }[])
      insert.run(id, r.minute, r.errorType, r.httpStatus, r.workspaceId, r.count, r.lastAt);
  }
}

interface Step {
  name: "hourly" | "errors";
  unit: number;
  perTx: number;
  /** Where a database that never ran this step starts (null: nothing to do yet). */
  first(db: Database.Database): number | null;
  run(db: Database.Database, start: number, end: number): void;
}

const STEPS: Step[] = [
  {
    name: "hourly",
    unit: HOUR,
    perTx: HOURS_PER_TX,
    first: (db) => db.prepare(`SELECT MIN("minute") FROM "DeliveryRollup"`).pluck().get() as number | null,
    run: compactHours,
  },
  {
    name: "errors",
    unit: MINUTE,
    perTx: ERROR_MINUTES_PER_TX,
    first: (db) =>
      db.prepare(`SELECT MIN("receivedAt") FROM "DeliveryOutcome"`).pluck().get() as number | null,
    run: compactErrorMinutes,
  },
];

/** Runs one step up to `now - GRACE_MS`; once `deadline` passes it stops after the current transaction. */
function runStep(db: Database.Database, step: Step, now: number, deadline: number): number {
  const target = floorTo(now - GRACE_MS, step.unit);
  let through = watermark(db, step.name);
  if (through === null) {
    const first = step.first(db);
    through = initWatermark(
      db,
      step.name,
      first === null ? target : Math.min(target, floorTo(first, step.unit)),
    );
  }
  while (through < target) {
    const end = Math.min(target, through + step.perTx * step.unit);
    db.transaction(() => {
      const start = Math.max(through!, watermark(db, step.name) ?? through!);
      if (start >= end) return;
      step.run(db, start, end);
      setWatermark(db, step.name, end);
    }).immediate();
    through = end;
    if (Date.now() >= deadline) break;
  }
  return through;
}

export interface CompactionResult {
  hourlyThrough: number;
  errorsThrough: number;
}

/** Brings both derived tables up to date (or as far as `budgetMs` allows) and prunes them. */
export function compactMetrics(
  db: Database.Database,
  now: number,
  opts: { budgetMs?: number } = {},
): CompactionResult {
  const deadline = Date.now() + (opts.budgetMs ?? Number.POSITIVE_INFINITY);
  const hourlyThrough = runStep(db, STEPS[0]!, now, deadline);
  const errorsThrough = runStep(db, STEPS[1]!, now, deadline);
  pruneDerived(db, now);
  return { hourlyThrough, errorsThrough };
}

/** True when a query would read noticeably more source rows than needed. */
export function compactionBehind(db: Database.Database, now: number): boolean {
  const hourly = watermark(db, "hourly");
  const errors = watermark(db, "errors");
  return (
    hourly === null ||
    errors === null ||
    hourly < floorTo(now - GRACE_MS, HOUR) - HOUR ||
    errors < now - GRACE_MS - 10 * MINUTE
  );
}
