import type Database from "better-sqlite3";
import { allOf, andThen, type Maybe, readerFor, writeOffLoop } from "@/lib/db/off-loop";
import { sqlite } from "@/lib/db/sqlite";
import { all, get, perform, pluck, type Work } from "@/lib/db/work";
import { minuteOf } from "@/lib/delivery/rollups";

// Destination health, judged every few seconds from the last five minutes of rollups and the
// retries waiting in the queue. A change is recorded as one DestinationHealthEvent row, so the
// console can show "failing since 10:42" and the history; nothing is ever disabled automatically.
//   failing:  >= 10 attempts in the window and >= 50% of them failed
//   degraded: >= 10 attempts and >= 5% failed, or >= 100 messages waiting for a retry
//   healthy:  otherwise (including no traffic)
// "Attempts" counts delivered + not delivered + failed-and-retried results.

export const HEALTH_RULES = {
  windowMs: 5 * 60_000,
  minAttempts: 10,
  failingRate: 0.5,
  degradedRate: 0.05,
  degradedPendingRetries: 100,
} as const;

export type HealthState = "healthy" | "degraded" | "failing";

export interface HealthCounts {
  delivered: number;
  notDelivered: number;
  retried: number;
  pendingRetries: number;
}

export function classifyHealth(c: HealthCounts): { state: HealthState; reason: string } {
  const attempts = c.delivered + c.notDelivered + c.retried;
  const failed = c.notDelivered + c.retried;
  const rate = attempts ? failed / attempts : 0;
  const pct = `${Math.round(rate * 100)}% of ${attempts} attempts failed in the last 5 minutes`;
  if (attempts >= HEALTH_RULES.minAttempts && rate >= HEALTH_RULES.failingRate)
    return { state: "failing", reason: pct };
  if (attempts >= HEALTH_RULES.minAttempts && rate >= HEALTH_RULES.degradedRate)
    return { state: "degraded", reason: pct };
  if (c.pendingRetries >= HEALTH_RULES.degradedPendingRetries)
    return { state: "degraded", reason: `${c.pendingRetries}+ messages are waiting for a retry` };
  return { state: "healthy", reason: attempts ? pct : "No failures in the last 5 minutes" };
}

interface Sums {
  destinationId: string;
  delivered: number;
  notDelivered: number;
  filtered: number;
  unsupported: number;
  retried: number;
}

const sumsSql = (byWorkspace: boolean) =>
  `SELECT "destinationId", SUM("delivered") AS "delivered", SUM("notDelivered") AS "notDelivered",
     SUM("filtered") AS "filtered", SUM("unsupported") AS "unsupported", SUM("retried") AS "retried"
   FROM "DeliveryRollup" WHERE "minute" >= ? ${byWorkspace ? `AND "workspaceId" = ?` : ""} GROUP BY "destinationId"`;

// The LIMIT keeps a dead destination with millions of queued messages cheap to count.
const PENDING_RETRIES = `SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "DeliveryJob" WHERE "destinationId" = ? AND "attempts" > 0
  LIMIT 100000) AS "x"`;
const LATEST_EVENT = `SELECT "state", "at", "reason" FROM "DestinationHealthEvent" WHERE "destinationId" = ? ORDER BY "id" DESC LIMIT 1`;

/** Messages in the queue that failed at least once: the same figure as Key metrics' "Retrying now". */
export function* pendingRetries(destinationId: string): Work<number> {
  return Number((yield* pluck<number>(PENDING_RETRIES, [destinationId])) ?? 0);
}

/**
 * Re-judges every destination and records the ones whose state changed. On SQLite at once; on
 * PostgreSQL the reads (two per destination) and the write run on the asynchronous pool, so the
 * process that evaluates (every 15 s) does not stop its event loop for them.
 */
export function evaluateHealth(
  db: Database.Database,
  now: number,
): Maybe<{ destinationId: string; state: HealthState }[]> {
  const read = readerFor(db);
  return andThen(
    allOf([
      read.all<{ id: string; workspaceId: string }>(`SELECT "id", "workspaceId" FROM "Destination"`, []),
      read.all<Sums>(sumsSql(false), [minuteOf(now - HEALTH_RULES.windowMs)]),
    ] as const),
    ([destinations, sumRows]) => {
      const recent = new Map(sumRows.map((r) => [r.destinationId, r]));
      const perDestination = allOf(
        destinations.map((d) =>
          allOf([
            read.get<{ n: number }>(PENDING_RETRIES, [d.id]),
            read.get<{ state: HealthState }>(LATEST_EVENT, [d.id]),
          ] as const),
        ),
      );
      return andThen(perDestination, (states) => {
        const changes: {
          destinationId: string;
          workspaceId: string;
          state: HealthState;
          previous: HealthState;
          reason: string;
        }[] = [];
        destinations.forEach((d, i) => {
          const [pending, latest] = states[i]!;
          const s = recent.get(d.id);
          const judged = classifyHealth({
            delivered: Number(s?.delivered ?? 0),
            notDelivered: Number(s?.notDelivered ?? 0),
            retried: Number(s?.retried ?? 0),
            pendingRetries: Number(pending?.n ?? 0),
          });
          const previous = latest?.state ?? "healthy";
          if (judged.state !== previous)
            changes.push({
              destinationId: d.id,
              workspaceId: d.workspaceId,
              state: judged.state,
              previous,
              reason: judged.reason,
            });
        });
        if (changes.length === 0) return [];
        const written = writeOffLoop(db, () => {
          const insert = db.prepare(
            `INSERT INTO "DestinationHealthEvent" ("destinationId", "workspaceId", "state", "previousState", "at", "reason")
             VALUES (?, ?, ?, ?, ?, ?)`,
          );
          for (const c of changes)
            insert.run(c.destinationId, c.workspaceId, c.state, c.previous, now, c.reason);
        });
        return andThen(written, () =>
          changes.map((c) => ({ destinationId: c.destinationId, state: c.state })),
        );
      });
    },
  );
}

export interface DestinationHealth {
  destinationId: string;
  name: string;
  type: string;
  enabled: boolean;
  state: HealthState;
  /** When the current state began (epoch ms); null when it has always been healthy. */
  since: number | null;
  reason: string | null;
  last24h: {
    delivered: number;
    notDelivered: number;
    filtered: number;
    unsupported: number;
    retried: number;
  };
  pendingRetries: number;
  lastError: { errorType: string; message: string; at: number } | null;
}

/** Health of every destination of a workspace, for the console (off the event loop on PostgreSQL). */
export function destinationHealth(
  workspaceId: string,
  opts: { db?: Database.Database; now?: number } = {},
): Maybe<DestinationHealth[]> {
  return perform(opts.db ?? sqlite(), destinationHealthWork(workspaceId, opts.now ?? Date.now()));
}

export function* destinationHealthWork(workspaceId: string, now: number): Work<DestinationHealth[]> {
  const sumRows = yield* all<Sums>(sumsSql(true), [minuteOf(now - 24 * 3_600_000), workspaceId]);
  const day = new Map(sumRows.map((r) => [r.destinationId, r]));
  const rows = yield* all<{ id: string; name: string; type: string; enabled: number }>(
    `SELECT "id", "name", "type", "enabled" FROM "Destination" WHERE "workspaceId" = ? ORDER BY "name"`,
    [workspaceId],
  );
  const out: DestinationHealth[] = [];
  for (const d of rows) {
    const event = yield* get<{ state: HealthState; at: number; reason: string }>(LATEST_EVENT, [d.id]);
    const s = day.get(d.id);
    out.push({
      destinationId: d.id,
      name: d.name,
      type: d.type,
      enabled: Boolean(d.enabled),
      state: event?.state ?? "healthy",
      since: event ? Number(event.at) : null,
      reason: event?.reason ?? null,
      last24h: {
        delivered: Number(s?.delivered ?? 0),
        notDelivered: Number(s?.notDelivered ?? 0),
        filtered: Number(s?.filtered ?? 0),
        unsupported: Number(s?.unsupported ?? 0),
        retried: Number(s?.retried ?? 0),
      },
      pendingRetries: yield* pendingRetries(d.id),
      lastError:
        (yield* get<NonNullable<DestinationHealth["lastError"]>>(
          `SELECT "errorType", "errorMessage" AS "message", "at" FROM "DeliverySample" WHERE "destinationId" = ? ORDER BY "id" DESC LIMIT 1`,
          [d.id],
        )) ?? null,
    });
  }
  return out;
}

export interface CurrentHealth {
  state: HealthState;
  /** When the state began (epoch ms); null for a destination that was never anything but healthy. */
  since: number | null;
  reason: string | null;
}

/** The current state of every destination of a workspace that ever changed state (the rest are healthy). */
export function* currentHealth(workspaceId: string): Work<Map<string, CurrentHealth>> {
  const rows = yield* all<{ destinationId: string; state: HealthState; at: number; reason: string }>(
    `SELECT e."destinationId", e."state", e."at", e."reason" FROM "DestinationHealthEvent" e
     WHERE e."workspaceId" = ? AND e."id" = (SELECT MAX(x."id") FROM "DestinationHealthEvent" x WHERE x."destinationId" = e."destinationId")`,
    [workspaceId],
  );
  return new Map(
    rows.map((r) => [r.destinationId, { state: r.state, since: Number(r.at), reason: r.reason }]),
  );
}

export const HEALTHY: CurrentHealth = { state: "healthy", since: null, reason: null };
