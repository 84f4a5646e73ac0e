import type Database from "better-sqlite3";
import { andThen, type Maybe, readerFor } from "@/lib/db/off-loop";
import { deliveryTransaction } from "@/lib/delivery/tx";
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
function firstSeqAtOrAfter(db: Database.Database, t: number): number {
  const at = db.prepare(`SELECT "seq", "receivedAt" FROM "Message" WHERE "seq" >= ? ORDER BY "seq" LIMIT 1`);
  const max = (db.prepare(`SELECT MAX("seq") FROM "Message"`).pluck().get() as number | null) ?? 0;
  let lo = 0;
  let hi = max + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const row = at.get(mid) as { seq: number; receivedAt: number } | undefined;
    if (!row) hi = mid;
    else if (Number(row.receivedAt) >= t) hi = mid;
    else lo = row.seq + 1;
  }
  return lo;
}

export function startReplay(
  db: Database.Database,
  input: {
    workspaceId: string;
    destinationId: string;
    sourceIds: string[];
    fromMs: number;
    toMs: number;
    createdBy: string;
  },
  opts: { now: number; retentionMs: number },
): ReplayView {
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
  const running = db
    .prepare(`SELECT "id" FROM "DeliveryReplay" WHERE "destinationId" = ? AND "status" = 'running' LIMIT 1`)
    .get(input.destinationId);
  if (running) throw conflict("A replay to this destination is already running: wait for it or cancel it");
  const startSeq = firstSeqAtOrAfter(db, input.fromMs);
  const endSeq = firstSeqAtOrAfter(db, input.toMs) - 1;
  const id = db
    .prepare(
      `INSERT INTO "DeliveryReplay" ("workspaceId", "destinationId", "sourceIds", "fromMs", "toMs", "status", "afterSeq",
         "endSeq", "createdBy", "createdAt") VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
    )
    .run(
      input.workspaceId,
      input.destinationId,
      JSON.stringify(input.sourceIds),
      input.fromMs,
      input.toMs,
      startSeq - 1,
      endSeq,
      input.createdBy,
      opts.now,
    ).lastInsertRowid as number;
  return replayView(db, getRow(db, Number(id))!);
}

function getRow(db: Database.Database, id: number): ReplayRow | undefined {
  return db.prepare(`SELECT * FROM "DeliveryReplay" WHERE "id" = ?`).get(id) as ReplayRow | undefined;
}

function replayView(db: Database.Database, r: ReplayRow): ReplayView {
  const counts = db
    .prepare(`SELECT "status", COUNT(*) AS "n" FROM "DeliveryOutcome" WHERE "replayId" = ? GROUP BY "status"`)
    .all(r.id) as { status: string; n: number }[];
  const n = (s: string) => counts.find((c) => c.status === s)?.n ?? 0;
  const pending = db
    .prepare(`SELECT COUNT(*) FROM "DeliveryJob" WHERE "replayId" = ?`)
    .pluck()
    .get(r.id) as number;
  return {
    id: r.id,
    destinationId: r.destinationId,
    sourceIds: JSON.parse(r.sourceIds) as string[],
    from: new Date(Number(r.fromMs)).toISOString(),
    to: new Date(Number(r.toMs)).toISOString(),
    status: r.status as ReplayView["status"],
    createdBy: r.createdBy,
    createdAt: Number(r.createdAt),
    finishedAt: r.finishedAt === null ? null : Number(r.finishedAt),
    routed: r.routed,
    filtered: r.filtered,
    alreadyQueued: r.alreadyQueued,
    delivered: n("delivered"),
    failed: n("not_delivered"),
    pending,
  };
}

export function listReplays(db: Database.Database, destinationId: string, limit = 10): ReplayView[] {
  const rows = db
    .prepare(`SELECT * FROM "DeliveryReplay" WHERE "destinationId" = ? ORDER BY "id" DESC LIMIT ?`)
    .all(destinationId, limit) as ReplayRow[];
  return rows.map((r) => replayView(db, r));
}

export function getReplay(db: Database.Database, destinationId: string, id: number): ReplayView | null {
  const row = getRow(db, id);
  return row && row.destinationId === destinationId ? replayView(db, row) : null;
}

/** Stops a running replay: its queued jobs that are not being sent right now are removed. */
export function cancelReplay(
  db: Database.Database,
  destinationId: string,
  id: number,
  now: number,
): ReplayView | null {
  const row = getRow(db, id);
  if (!row || row.destinationId !== destinationId) return null;
  if (row.status === "running")
    deliveryTransaction(db, () => {
      db.prepare(`UPDATE "DeliveryReplay" SET "status" = 'cancelled', "finishedAt" = ? WHERE "id" = ?`).run(
        now,
        id,
      );
      db.prepare(`DELETE FROM "DeliveryJob" WHERE "replayId" = ? AND "leaseUntil" <= ?`).run(id, now);
    });
  return replayView(db, getRow(db, id)!);
}

/** Whether any replay is running (read off the event loop on PostgreSQL: the engine asks every second). */
export function replaysRunning(db: Database.Database): Maybe<boolean> {
  return andThen(
    readerFor(db).get(`SELECT 1 AS "one" FROM "DeliveryReplay" WHERE "status" = 'running' LIMIT 1`, []),
    (row) => row !== undefined,
  );
}
