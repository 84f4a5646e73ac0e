import type Database from "better-sqlite3";
import { andThen, type Maybe, readerFor } from "@/lib/db/off-loop";
import { all, get, performBlocking, pluck, run, transaction, type Work } from "@/lib/db/work";
import { AppError, conflict } from "@/lib/errors";

// Replay: archived messages of chosen sources, received in a window, sent again to ONE destination
// as if they were new — through the integrations object, call types and the destination's
// filters (the routing steps), with their original messageId (the idempotency key). The delivery
// engine advances each running replay (lib/delivery/replay-step.ts) once a second by at most
// `ratePerSecond` messages and only while fewer than two seconds' worth of its jobs wait, so live
// traffic keeps its latency. Jobs and outcomes carry the replayId; progress is counted from them.
// The window cannot reach further back than the archive keeps messages (ARCHIVE_RETENTION_DAYS).
// PostgreSQL port: the statements are plain SQL; the archive scan uses the Message (sourceId, seq) index.

export interface ReplayView {
  id: number;
  destinationId: string;
  sourceIds: string[];
  from: string;
  to: string;
  status: "running" | "done" | "cancelled";
  createdBy: string;
  createdAt: number;
  finishedAt: number | null;
  /** Queued to the destination (passed the routing steps). */
  routed: number;
  /** Stopped by a routing step (integrations object, call type, destination filter). */
  filtered: number;
  /** Not queued again: a job for the message was already queued for this destination (its live
   * delivery, still retrying, or an earlier replay's); that job delivers it. */
  alreadyQueued: number;
  delivered: number;
  failed: number;
  /** Queued and not finished yet. */
  pending: number;
}

export interface ReplayRow {
  id: number;
  workspaceId: string;
  destinationId: string;
  sourceIds: string;
  fromMs: number;
  toMs: number;
  status: string;
  afterSeq: number;
  endSeq: number;
  routed: number;
  filtered: number;
  expired: number;
  alreadyQueued: number;
  createdBy: string;
  createdAt: number;
  finishedAt: number | null;
}

/** First seq whose receivedAt is >= t (seq and receivedAt rise together; binary search on the primary key). */
function* firstSeqAtOrAfter(t: number): Work<number> {
  const max = Number((yield* pluck<number | null>(`SELECT MAX("seq") FROM "Message"`)) ?? 0);
  let lo = 0;
  let hi = max + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const row = yield* get<{ seq: number; receivedAt: number }>(
      `SELECT "seq", "receivedAt" FROM "Message" WHERE "seq" >= ? ORDER BY "seq" LIMIT 1`,
      [mid],
    );
    if (!row) hi = mid;
    else if (Number(row.receivedAt) >= t) hi = mid;
    else lo = Number(row.seq) + 1;
  }
  return lo;
}

export interface ReplayStart {
  workspaceId: string;
  destinationId: string;
  sourceIds: string[];
  fromMs: number;
  toMs: number;
  createdBy: string;
}

/**
 * Starts a replay (database work, lib/db/work.ts: the console's request runs it off the event loop
 * on PostgreSQL). One running replay per destination: the check and the insert take turns per
 * destination.
 */
export function* replayStarted(
  input: ReplayStart,
  opts: { now: number; retentionMs: number },
): Work<ReplayView> {
  const earliest = opts.now - opts.retentionMs;
  if (input.fromMs < earliest)
    throw new AppError(
      "bad_request",
      `The archive keeps messages for ${Math.round(opts.retentionMs / 86_400_000)} days: the start must be after ${new Date(earliest).toISOString()}`,
      [{ path: "from", message: "Before the archive's retention" }],
    );
  if (input.toMs > opts.now)
    throw new AppError("bad_request", "The end cannot be in the future", [
      { path: "to", message: "In the future" },
    ]);
  const startSeq = yield* firstSeqAtOrAfter(input.fromMs);
  const endSeq = (yield* firstSeqAtOrAfter(input.toMs)) - 1;
  const row = yield* transaction(
    (function* (): Work<ReplayRow> {
      const running = yield* get(
        `SELECT "id" FROM "DeliveryReplay" WHERE "destinationId" = ? AND "status" = 'running' LIMIT 1`,
        [input.destinationId],
      );
      if (running)
        throw conflict("A replay to this destination is already running: wait for it or cancel it");
      const inserted = yield* get<ReplayRow>(
        `INSERT INTO "DeliveryReplay" ("workspaceId", "destinationId", "sourceIds", "fromMs", "toMs", "status", "afterSeq",
           "endSeq", "createdBy", "createdAt") VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?) RETURNING *`,
        [
          input.workspaceId,
          input.destinationId,
          JSON.stringify(input.sourceIds),
          input.fromMs,
          input.toMs,
          startSeq - 1,
          endSeq,
          input.createdBy,
          opts.now,
        ],
      );
      return inserted!;
    })(),
    `replay:${input.destinationId}`,
  );
  return yield* replayProgress(row);
}

export function startReplay(
  db: Database.Database,
  input: ReplayStart,
  opts: { now: number; retentionMs: number },
): ReplayView {
  return performBlocking(db, replayStarted(input, opts));
}

/** One replay's row, or undefined. */
function* rowOf(id: number): Work<ReplayRow | undefined> {
  return yield* get<ReplayRow>(`SELECT * FROM "DeliveryReplay" WHERE "id" = ?`, [id]);
}

/** A replay with its progress, counted from its jobs and outcomes. */
function* replayProgress(r: ReplayRow): Work<ReplayView> {
  const counts = yield* all<{ status: string; n: number }>(
    `SELECT "status", COUNT(*) AS "n" FROM "DeliveryOutcome" WHERE "replayId" = ? GROUP BY "status"`,
    [r.id],
  );
  const n = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
  const pending = Number(
    (yield* pluck<number>(`SELECT COUNT(*) FROM "DeliveryJob" WHERE "replayId" = ?`, [r.id])) ?? 0,
  );
  return {
    id: Number(r.id),
    destinationId: r.destinationId,
    sourceIds: JSON.parse(r.sourceIds) as string[],
    from: new Date(Number(r.fromMs)).toISOString(),
    to: new Date(Number(r.toMs)).toISOString(),
    status: r.status as ReplayView["status"],
    createdBy: r.createdBy,
    createdAt: Number(r.createdAt),
    finishedAt: r.finishedAt === null ? null : Number(r.finishedAt),
    routed: Number(r.routed),
    filtered: Number(r.filtered),
    alreadyQueued: Number(r.alreadyQueued),
    delivered: n("delivered"),
    failed: n("not_delivered"),
    pending,
  };
}

/** The destination's newest replays with their progress (polled every second while one runs). */
export function* replaysOf(destinationId: string, limit = 10): Work<ReplayView[]> {
  const rows = yield* all<ReplayRow>(
    `SELECT * FROM "DeliveryReplay" WHERE "destinationId" = ? ORDER BY "id" DESC LIMIT ?`,
    [destinationId, limit],
  );
  const out: ReplayView[] = [];
  for (const r of rows) out.push(yield* replayProgress(r));
  return out;
}

export function listReplays(db: Database.Database, destinationId: string, limit = 10): ReplayView[] {
  return performBlocking(db, replaysOf(destinationId, limit));
}

export function getReplay(db: Database.Database, destinationId: string, id: number): ReplayView | null {
  return performBlocking(
    db,
    (function* () {
      const row = yield* rowOf(id);
      return row && row.destinationId === destinationId ? yield* replayProgress(row) : null;
    })(),
  );
}

/**
 * Stops a running replay: its queued jobs that are not being sent right now are removed (database
 * work: off the event loop on PostgreSQL). Null when the destination has no such replay.
 */
export function* replayCancelled(destinationId: string, id: number, now: number): Work<ReplayView | null> {
  const row = yield* rowOf(id);
  if (!row || row.destinationId !== destinationId) return null;
  if (row.status === "running")
    yield* transaction(
      (function* () {
        yield* run(
          `UPDATE "DeliveryReplay" SET "status" = 'cancelled', "finishedAt" = ? WHERE "id" = ? AND "status" = 'running'`,
          [now, id],
        );
        yield* run(`DELETE FROM "DeliveryJob" WHERE "replayId" = ? AND "leaseUntil" <= ?`, [id, now]);
      })(),
    );
  return yield* replayProgress((yield* rowOf(id))!);
}

export function cancelReplay(
  db: Database.Database,
  destinationId: string,
  id: number,
  now: number,
): ReplayView | null {
  return performBlocking(db, replayCancelled(destinationId, id, now));
}

/** Whether any replay is running (read off the event loop on PostgreSQL: the engine asks every second). */
export function replaysRunning(db: Database.Database): Maybe<boolean> {
  return andThen(
    readerFor(db).get(`SELECT 1 AS "one" FROM "DeliveryReplay" WHERE "status" = 'running' LIMIT 1`, []),
    (row) => row !== undefined,
  );
}
