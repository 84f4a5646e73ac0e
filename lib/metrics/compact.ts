import type Database from "better-sqlite3";
import type { Maybe } from "@/lib/db/off-loop";
import { all, perform, pluck, run, transaction, type Work } from "@/lib/db/work";
import { DenseHistogram } from "@/lib/metrics/dense";
import { HOUR, MINUTE } from "@/lib/metrics/period";
import { pruneDerivedWork, pruneDue } from "@/lib/metrics/prune";
import { initWatermark, setWatermark, watermarkOf } from "@/lib/metrics/watermark";

// Derived tables for the dashboards, built from completed time only:
//  - DeliveryRollupHour: DeliveryRollup summed per hour, for hours that ended GRACE_MS ago (the
//    recorder writes a minute's results within milliseconds; the grace covers a stalled flush);
//  - DeliveryErrorRollup: not-delivered outcomes per minute and error type, for minutes that ended
//    GRACE_MS ago, before ARCHIVE_RETENTION_DAYS prunes the raw rows.
// Each step rebuilds its range from scratch and moves its watermark in the same transaction, so
// two processes (web server, separate delivery worker) can both run it. Queries read the source
// tables past the watermarks, so a late or stopped compaction costs speed, never correctness.
// The steps are database work (lib/db/work.ts): synchronous on SQLite, and on PostgreSQL run on the
// asynchronous pool, so compacting never stops the event loop of a process taking tracking calls.

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

function* compactHours(start: number, end: number): Work<void> {
  const rows = yield* all<MinuteRow>(
    `SELECT "destinationId", "sourceId", "workspaceId", "minute", "delivered", "notDelivered", "filtered",
       "unsupported", "retried", "latencySum", "latencyHist"
     FROM "DeliveryRollup" WHERE "minute" >= ? AND "minute" < ?`,
    [start, end],
  );
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
  yield* run(`DELETE FROM "DeliveryRollupHour" WHERE "hour" >= ? AND "hour" < ?`, [start, end]);
  for (const g of groups.values())
    yield* run(
      `INSERT INTO "DeliveryRollupHour" ("destinationId", "hour", "sourceId", "workspaceId", "delivered", "notDelivered",
         "filtered", "unsupported", "retried", "latencySum", "latencyHist") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
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
      ],
    );
}

function* compactErrorMinutes(start: number, end: number): Work<void> {
  const ids = (yield* all<{ id: string }>(`SELECT "id" FROM "Destination"`)).map((d) => d.id);
  for (const id of ids) {
    yield* run(
      `DELETE FROM "DeliveryErrorRollup" WHERE "destinationId" = ? AND "minute" >= ? AND "minute" < ?`,
      [id, start, end],
    );
    const rows = yield* all<{
      workspaceId: string;
      errorType: string;
      httpStatus: number;
      minute: number;
      count: number;
      lastAt: number;
    }>(
      `SELECT "workspaceId", COALESCE("errorType", 'unknown') AS "errorType", COALESCE("httpStatus", 0) AS "httpStatus",
         ("finishedAt" / ${MINUTE}) * ${MINUTE} AS "minute", COUNT(*) AS "count", MAX("finishedAt") AS "lastAt"
       FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "finishedAt" >= ? AND "finishedAt" < ? AND "status" = 'not_delivered'
       GROUP BY 1, 2, 3, 4`,
      [id, start, end],
    );
    for (const r of rows)
      yield* run(
        `INSERT INTO "DeliveryErrorRollup" ("destinationId", "minute", "errorType", "httpStatus", "workspaceId", "count", "lastAt")
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [id, r.minute, r.errorType, r.httpStatus, r.workspaceId, r.count, r.lastAt],
      );
  }
}

interface Step {
  name: "hourly" | "errors";
  unit: number;
  perTx: number;
  /** Where a database that never ran this step starts (null: nothing to do yet). */
  first(): Work<number | null | undefined>;
  run(start: number, end: number): Work<void>;
}

const STEPS: Step[] = [
  {
    name: "hourly",
    unit: HOUR,
    perTx: HOURS_PER_TX,
    first: () => pluck<number | null>(`SELECT MIN("minute") FROM "DeliveryRollup"`),
    run: compactHours,
  },
  {
    name: "errors",
    unit: MINUTE,
    perTx: ERROR_MINUTES_PER_TX,
    first: () => pluck<number | null>(`SELECT MIN("receivedAt") FROM "DeliveryOutcome"`),
    run: compactErrorMinutes,
  },
];

/** Runs one step up to `now - GRACE_MS`; once `deadline` passes it stops after the current transaction. */
function* runStep(step: Step, now: number, deadline: number): Work<number> {
  const target = floorTo(now - GRACE_MS, step.unit);
  let through = yield* watermarkOf(step.name);
  if (through === null) {
    const first = (yield* step.first()) ?? null;
    through = yield* initWatermark(
      step.name,
      first === null ? target : Math.min(target, floorTo(Number(first), step.unit)),
    );
  }
  while (through < target) {
    const end = Math.min(target, through + step.perTx * step.unit);
    const from = through;
    yield* transaction(
      (function* () {
        const start = Math.max(from, (yield* watermarkOf(step.name)) ?? from);
        if (start >= end) return;
        yield* step.run(start, end);
        yield* setWatermark(step.name, end);
      })(),
      "metrics-compaction",
    );
    through = end;
    if (Date.now() >= deadline) break;
  }
  return through;
}

export interface CompactionResult {
  hourlyThrough: number;
  errorsThrough: number;
}

function* compaction(db: Database.Database, now: number, budgetMs: number): Work<CompactionResult> {
  const deadline = Date.now() + budgetMs;
  const hourlyThrough = yield* runStep(STEPS[0]!, now, deadline);
  const errorsThrough = yield* runStep(STEPS[1]!, now, deadline);
  if (pruneDue(db, now)) yield* pruneDerivedWork(now);
  return { hourlyThrough, errorsThrough };
}

/**
 * Brings both derived tables up to date (or as far as `budgetMs` allows) and prunes them: at once on
 * SQLite, on the asynchronous pool on PostgreSQL.
 */
export function compactMetrics(
  db: Database.Database,
  now: number,
  opts: { budgetMs?: number } = {},
): Maybe<CompactionResult> {
  return perform(db, compaction(db, now, opts.budgetMs ?? Number.POSITIVE_INFINITY));
}

function* behind(now: number): Work<boolean> {
  const hourly = yield* watermarkOf("hourly");
  const errors = yield* watermarkOf("errors");
  return (
    hourly === null ||
    errors === null ||
    hourly < floorTo(now - GRACE_MS, HOUR) - HOUR ||
    errors < now - GRACE_MS - 10 * MINUTE
  );
}

/** True when a query would read noticeably more source rows than needed. */
export function compactionBehind(db: Database.Database, now: number): Maybe<boolean> {
  return perform(db, behind(now));
}

/** Compacts a little (a budget of `budgetMs`) when a query would otherwise read too many rows. */
export function* catchUp(db: Database.Database, now: number, budgetMs: number): Work<void> {
  if (yield* behind(now)) yield* compaction(db, now, budgetMs);
}
