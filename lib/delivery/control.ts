import type Database from "better-sqlite3";
import { andThen, type Maybe, readerFor } from "@/lib/db/off-loop";
import { isPg, type PgSyncDatabase, translated } from "@/lib/db/pg-sync";
import { all, get, performBlocking, run, type Work } from "@/lib/db/work";
import { giveUpPage, type Reason } from "@/lib/delivery/retention";
import type { DeliveryControlView } from "@/lib/metrics/types";

// A destination's delivery controls: paused by a person (owners and Source Admins), and the
// circuit breaker the engine keeps (lib/delivery/breaker.ts). Both live in one row of
// DestinationDeliveryState; no row means running with the breaker closed. Discard turns queued
// messages into "not delivered" (reason "discarded") with their rollups, in one transaction.
// PostgreSQL port: every statement here is plain SQL (ON CONFLICT upsert, DELETE ... RETURNING is
// not used); the only queue statements are in discardJobs.

const CLOSED: DeliveryControlView = {
  paused: false,
  pausedAt: null,
  pausedBy: null,
  breaker: "closed",
  breakerSince: null,
  nextProbeAt: null,
  consecutiveFailures: 0,
};

interface StateRow {
  destinationId: string;
  paused: number;
  pausedAt: number | null;
  pausedBy: string | null;
  breaker: string;
  breakerSince: number | null;
  nextProbeAt: number | null;
  consecutiveFailures: number;
}

const view = (r: StateRow | undefined): DeliveryControlView =>
  r
    ? {
        paused: Boolean(r.paused),
        pausedAt: r.pausedAt === null ? null : Number(r.pausedAt),
        pausedBy: r.pausedBy,
        breaker: (["open", "probing"].includes(r.breaker)
          ? r.breaker
          : "closed") as DeliveryControlView["breaker"],
        breakerSince: r.breakerSince === null ? null : Number(r.breakerSince),
        nextProbeAt: r.nextProbeAt === null ? null : Number(r.nextProbeAt),
        consecutiveFailures: r.consecutiveFailures,
      }
    : { ...CLOSED };

const SELECT = `SELECT "destinationId", "paused", "pausedAt", "pausedBy", "breaker", "breakerSince", "nextProbeAt",
  "consecutiveFailures" FROM "DestinationDeliveryState"`;

export function readControl(db: Database.Database, destinationId: string): DeliveryControlView {
  return view(db.prepare(`${SELECT} WHERE "destinationId" = ?`).get(destinationId) as StateRow | undefined);
}

export function readControls(db: Database.Database, workspaceId: string): Map<string, DeliveryControlView> {
  const rows = db.prepare(`${SELECT} WHERE "workspaceId" = ?`).all(workspaceId) as StateRow[];
  return new Map(rows.map((r) => [r.destinationId, view(r)]));
}

/** readControl as database work (lib/db/work.ts), for the dashboards. */
export function* controlOf(destinationId: string): Work<DeliveryControlView> {
  return view(yield* get<StateRow>(`${SELECT} WHERE "destinationId" = ?`, [destinationId]));
}

/** readControls as database work. */
export function* controlsOf(workspaceId: string): Work<Map<string, DeliveryControlView>> {
  const rows = yield* all<StateRow>(`${SELECT} WHERE "workspaceId" = ?`, [workspaceId]);
  return new Map(rows.map((r) => [r.destinationId, view(r)]));
}

export interface SharedState {
  paused: boolean;
  breaker: {
    state: "closed" | "open" | "probing";
    since: number | null;
    nextProbeAt: number | null;
    failures: number;
  };
}

/** Every destination's pause and breaker as stored (the engine re-reads them every second). */
export function deliveryStates(db: Database.Database): Map<string, SharedState> {
  return sharedStates(db.prepare(SELECT).all() as StateRow[]);
}

/** deliveryStates, read off the event loop on PostgreSQL (the engine's every-second refresh). */
export function readDeliveryStates(db: Database.Database): Maybe<Map<string, SharedState>> {
  return andThen(readerFor(db).all<StateRow>(SELECT, []), sharedStates);
}

function sharedStates(rows: StateRow[]): Map<string, SharedState> {
  return new Map(
    rows.map((r) => {
      const v = view(r);
      return [
        r.destinationId,
        {
          paused: v.paused,
          breaker: {
            state: v.breaker,
            since: v.breakerSince,
            nextProbeAt: v.nextProbeAt,
            failures: v.consecutiveFailures,
          },
        },
      ];
    }),
  );
}

/**
 * Takes the open breaker's probe for this process: only one process of the installation probes a
 * destination at a time. The probe holds it until `holdUntil` (a probe whose process dies is then
 * taken by another). False when another process has it, or the breaker is no longer open there.
 */
const CLAIM_PROBE = `UPDATE "DestinationDeliveryState" SET "breaker" = 'probing', "nextProbeAt" = ?, "updatedAt" = ?
  WHERE "destinationId" = ? AND ("breaker" = 'open' OR ("breaker" = 'probing' AND "nextProbeAt" <= ?))
    AND COALESCE("nextProbeAt", 0) <= ?`;

/**
 * Takes the destination's one probe across the installation (true when this process won it). On
 * PostgreSQL it runs on the asynchronous pool (a promise), off the event loop.
 */
export function claimProbe(
  db: Database.Database,
  destinationId: string,
  now: number,
  holdUntil: number,
): Maybe<boolean> {
  const params = [holdUntil, now, destinationId, now, now];
  if (!isPg(db)) return db.prepare(CLAIM_PROBE).run(...params).changes === 1;
  return (db as unknown as PgSyncDatabase)
    .asyncPool()
    .query(translated(CLAIM_PROBE), params)
    .then((r) => r.rowCount === 1);
}

const SET_PAUSED = `INSERT INTO "DestinationDeliveryState" ("destinationId", "workspaceId", "paused", "pausedAt", "pausedBy", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT ("destinationId") DO UPDATE SET "paused" = excluded."paused", "pausedAt" = excluded."pausedAt",
       "pausedBy" = excluded."pausedBy", "updatedAt" = excluded."updatedAt"`;

/** Pauses or resumes a destination's delivery (database work: off the event loop on PostgreSQL). */
export function* pausedSet(
  d: { destinationId: string; workspaceId: string },
  paused: boolean,
  by: string,
  now: number,
): Work<DeliveryControlView> {
  yield* run(SET_PAUSED, [
    d.destinationId,
    d.workspaceId,
    paused ? 1 : 0,
    paused ? now : null,
    paused ? by : null,
    now,
  ]);
  return yield* controlOf(d.destinationId);
}

export function setPaused(
  db: Database.Database,
  d: { destinationId: string; workspaceId: string },
  paused: boolean,
  by: string,
  now: number,
): DeliveryControlView {
  return performBlocking(db, pausedSet(d, paused, by, now));
}

/** Written by the delivery engine when its breaker changes state. */
export function writeBreaker(
  db: Database.Database,
  d: { destinationId: string; workspaceId: string },
  b: { breaker: string; since: number | null; nextProbeAt: number | null; failures: number },
  now: number,
): void {
  db.prepare(
    `INSERT INTO "DestinationDeliveryState" ("destinationId", "workspaceId", "breaker", "breakerSince", "nextProbeAt",
       "consecutiveFailures", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT ("destinationId") DO UPDATE SET "breaker" = excluded."breaker", "breakerSince" = excluded."breakerSince",
       "nextProbeAt" = excluded."nextProbeAt", "consecutiveFailures" = excluded."consecutiveFailures",
       "updatedAt" = excluded."updatedAt"`,
  ).run(d.destinationId, d.workspaceId, b.breaker, b.since, b.nextProbeAt, b.failures, now);
}

export interface DiscardResult {
  /** Messages removed from the queue and counted as not delivered ("discarded"). */
  discarded: number;
  /** Messages being sent at this moment: their attempt finishes as usual. */
  inFlight: number;
}

const CHUNK = 1000;

/**
 * Discards a destination's queued messages (optionally only those whose last attempt failed with
 * `errorType`), a page of CHUNK in each transaction. Jobs leased to a worker right now (an attempt
 * in flight) are left to finish. On PostgreSQL the pages run on the asynchronous pool: discarding a
 * queue of a million messages does not stop the instance that took the request.
 */
export async function discardJobs(
  db: Database.Database,
  destinationId: string,
  now: number,
  opts: { errorType?: string; by: string },
): Promise<DiscardResult> {
  const typeFilter = opts.errorType ? `AND "lastErrorType" = ?` : "";
  const params = [destinationId, now, ...(opts.errorType ? [opts.errorType] : [])];
  const page = `SELECT "id", "destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "event", "receivedAt",
       "attempts", "deadlineAt", "replayId", "lastStatus", "lastErrorType", "lastError"
     FROM "DeliveryJob" WHERE "destinationId" = ? AND "leaseUntil" <= ? ${typeFilter} ORDER BY "id" LIMIT ${CHUNK}`;
  const reason: Reason = (j) => ({
    errorType: "discarded",
    message: `Discarded from the queue by ${opts.by}${j.lastErrorType ? ` (last error: ${j.lastErrorType})` : ""}`,
  });
  const result: DiscardResult = { discarded: 0, inFlight: 0 };
  for (;;) {
    const n = await giveUpPage(db, page, params, now, reason);
    result.discarded += n;
    if (n < CHUNK) break;
  }
  const inFlight = await readerFor(db).get<{ n: number }>(
    `SELECT COUNT(*) AS "n" FROM "DeliveryJob" WHERE "destinationId" = ? AND "leaseUntil" > ? ${typeFilter}`,
    params,
  );
  result.inFlight = Number(inFlight?.n ?? 0);
  return result;
}

/**
 * The breaker's openings and closings go into the health feed (Delivery activity). An opening is
 * recorded as "failing"; a closing keeps the state the health evaluation last judged, so the two
 * never fight (the evaluation re-judges from the rollups every 15 s).
 */
export function recordBreakerEvent(
  db: Database.Database,
  d: { destinationId: string; workspaceId: string },
  now: number,
  reason: string,
  opened: boolean,
): void {
  // One statement (no read first), so it can be written off the event loop (writeOffLoop).
  db.prepare(
    `INSERT INTO "DestinationHealthEvent" ("destinationId", "workspaceId", "state", "previousState", "at", "reason")
     SELECT ?, ?, ${opened ? `'failing'` : `p."previous"`}, p."previous", ?, ? FROM (SELECT COALESCE(
       (SELECT "state" FROM "DestinationHealthEvent" WHERE "destinationId" = ? ORDER BY "id" DESC LIMIT 1),
       'healthy') AS "previous") AS p`,
  ).run(d.destinationId, d.workspaceId, now, reason, d.destinationId);
}
