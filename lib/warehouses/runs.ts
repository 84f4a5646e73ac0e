import type Database from "better-sqlite3";
import { all, get, performBlocking, run as runStatement, transaction, type Work } from "@/lib/db/work";
import type { RunRow } from "./store";

// WarehouseSyncRun: the sync history (queued, running, succeeded, failed, interrupted), part of
// the warehouse store (lib/warehouses/store.ts re-exports it).

type Db = Database.Database;

const RUN_KEEP = 200;

/**
 * Queues a sync run, or answers the one already waiting (database work: Sync now runs it off the
 * event loop on PostgreSQL). The history keeps the newest RUN_KEEP runs.
 */
export function* runQueued(
  w: { id: string; workspaceId: string },
  trigger: string,
  now: number,
  requestedBy: string | null,
): Work<{ run: RunRow; created: boolean }> {
  return yield* transaction(
    (function* () {
      const waiting = yield* get<RunRow>(
        `SELECT * FROM "WarehouseSyncRun" WHERE "destinationId" = ? AND "status" = 'queued' ORDER BY "id" LIMIT 1`,
        [w.id],
      );
      if (waiting) return { run: normalize(waiting), created: false };
      const run = yield* get<RunRow>(
        `INSERT INTO "WarehouseSyncRun" ("destinationId", "workspaceId", "trigger", "status", "queuedAt", "rows", "requestedBy")
          VALUES (?, ?, ?, 'queued', ?, '{}', ?) RETURNING *`,
        [w.id, w.workspaceId, trigger, now, requestedBy],
      );
      yield* runStatement(
        `DELETE FROM "WarehouseSyncRun" WHERE "destinationId" = ? AND "id" <= (
           SELECT "id" FROM "WarehouseSyncRun" WHERE "destinationId" = ? ORDER BY "id" DESC LIMIT 1 OFFSET ?)`,
        [w.id, w.id, RUN_KEEP],
      );
      return { run: normalize(run!), created: true };
    })(),
    `warehouse-runs:${w.id}`,
  );
}

export function queueRun(
  db: Db,
  w: { id: string; workspaceId: string },
  trigger: string,
  now: number,
  requestedBy: string | null,
): { run: RunRow; created: boolean } {
  return performBlocking(db, runQueued(w, trigger, now, requestedBy));
}

const normalize = (r: RunRow): RunRow => ({
  ...r,
  queuedAt: Number(r.queuedAt),
  startedAt: r.startedAt === null ? null : Number(r.startedAt),
  finishedAt: r.finishedAt === null ? null : Number(r.finishedAt),
});

export function getRun(db: Db, id: number): RunRow | undefined {
  const r = db.prepare(`SELECT * FROM "WarehouseSyncRun" WHERE "id" = ?`).get(id) as RunRow | undefined;
  return r && normalize(r);
}

export function queuedRun(db: Db, destinationId: string): RunRow | undefined {
  const r = db
    .prepare(
      `SELECT * FROM "WarehouseSyncRun" WHERE "destinationId" = ? AND "status" = 'queued' ORDER BY "id" LIMIT 1`,
    )
    .get(destinationId) as RunRow | undefined;
  return r && normalize(r);
}

/** The newest runs first. */
export function* runsOf(destinationId: string, limit: number): Work<RunRow[]> {
  const rows = yield* all<RunRow>(
    `SELECT * FROM "WarehouseSyncRun" WHERE "destinationId" = ? ORDER BY "id" DESC LIMIT ?`,
    [destinationId, limit],
  );
  return rows.map(normalize);
}

export function listRuns(db: Db, destinationId: string, limit: number): RunRow[] {
  return performBlocking(db, runsOf(destinationId, limit));
}

export function startRun(db: Db, id: number, now: number, fromSeq: number): void {
  db.prepare(
    `UPDATE "WarehouseSyncRun" SET "status" = 'running', "startedAt" = ?, "fromSeq" = ? WHERE "id" = ?`,
  ).run(now, fromSeq, id);
}

export function progressRun(db: Db, id: number, p: { toSeq: number; messages: number; rows: string }): void {
  db.prepare(`UPDATE "WarehouseSyncRun" SET "toSeq" = ?, "messages" = ?, "rows" = ? WHERE "id" = ?`).run(
    p.toSeq,
    p.messages,
    p.rows,
    id,
  );
}

export function endRun(
  db: Db,
  id: number,
  p: { status: string; now: number; pending: number | null; error: string | null },
): void {
  db.prepare(
    `UPDATE "WarehouseSyncRun" SET "status" = ?, "finishedAt" = ?, "pending" = ?, "error" = ? WHERE "id" = ?`,
  ).run(p.status, p.now, p.pending, p.error, id);
}

/** Runs left "running" by a process that died (its lease expired) are marked interrupted. */
export function markInterrupted(db: Db, now: number): number {
  return db
    .prepare(
      `UPDATE "WarehouseSyncRun" SET "status" = 'interrupted', "finishedAt" = ?,
         "error" = 'The process loading this warehouse stopped; the next sync continues from the last committed batch'
        WHERE "status" = 'running' AND "destinationId" IN (SELECT "destinationId" FROM "WarehouseState" WHERE "leaseUntil" < ?)`,
    )
    .run(now, now).changes;
}
