import type Database from "better-sqlite3";
import { isPg } from "@/lib/db/pg-sync";

// The delivery queue and outcome tables, as prepared statements on one connection. Plain,
// portable SQL (ON CONFLICT, LIMIT/OFFSET, LEFT JOIN) so a PostgreSQL store can mirror it.

export interface JobRow {
  id: number;
  destinationId: string;
  workspaceId: string;
  sourceId: string;
  seq: number;
  messageId: string;
  type: string;
  event: string | null;
  receivedAt: number;
  attempts: number;
  deadlineAt: number;
  /** The message to send: the job's filtered copy, else the archived payload (null if pruned). */
  payload: string | null;
  /** 1 when filters changed the message (payload is then not what the source sent). */
  modified: number;
  /** The parsed payload, when the router hands the job over (shared, read-only: mappings never mutate it). */
  message?: Record<string, unknown>;
  /** The Replay that queued this job (null for live traffic). */
  replayId?: number | null;
  /** When the Replay queued it: a replayed message's latency runs from here, not from receivedAt. */
  replayQueuedAt?: number | null;
}

const JOB_COLUMNS = `"destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "event", "receivedAt",
  "payload", "attempts", "nextAttemptAt", "leaseUntil", "deadlineAt", "createdAt"`;

const OUTCOME_COLUMNS = `"destinationId", "seq", "workspaceId", "sourceId", "messageId", "type", "event", "status",
  "attempts", "receivedAt", "finishedAt", "latencyMs", "httpStatus", "errorType", "errorMessage", "replayId"`;

function statements(db: Database.Database) {
  // PostgreSQL: workers in several processes claim from one queue; rows another worker is
  // leasing right now are skipped instead of waited for (the lease UPDATE still decides).
  const skipLocked = isPg(db) ? ` FOR UPDATE OF j SKIP LOCKED` : "";
  return {
    insertJob: db.prepare(
      `INSERT INTO "DeliveryJob" (${JOB_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
       ON CONFLICT ("destinationId", "seq") DO NOTHING`,
    ),
    dueJobs: db.prepare(
      `SELECT j."id", j."destinationId", j."workspaceId", j."sourceId", j."seq", j."messageId", j."type", j."event",
         j."receivedAt", j."attempts", j."deadlineAt", j."replayId",
         CASE WHEN j."replayId" IS NULL THEN NULL ELSE j."createdAt" END AS "replayQueuedAt", COALESCE(j."payload", m."payload") AS "payload",
         CASE WHEN j."payload" IS NULL THEN 0 ELSE 1 END AS "modified"
       FROM "DeliveryJob" j LEFT JOIN "Message" m ON m."seq" = j."seq"
       WHERE j."destinationId" = ? AND j."nextAttemptAt" <= ? ORDER BY j."nextAttemptAt" LIMIT ?${skipLocked}`,
    ),
    nextDue: db.prepare(`SELECT MIN("nextAttemptAt") AS "at" FROM "DeliveryJob" WHERE "destinationId" = ?`),
    lease: db.prepare(
      `UPDATE "DeliveryJob" SET "nextAttemptAt" = ?, "leaseUntil" = ? WHERE "id" = ? AND "nextAttemptAt" <= ?`,
    ),
    release: db.prepare(`UPDATE "DeliveryJob" SET "nextAttemptAt" = ?, "leaseUntil" = 0 WHERE "id" = ?`),
    reschedule: db.prepare(
      `UPDATE "DeliveryJob" SET "attempts" = ?, "nextAttemptAt" = ?, "leaseUntil" = 0, "lastStatus" = ?,
         "lastErrorType" = ?, "lastError" = ? WHERE "id" = ?`,
    ),
    deleteJob: db.prepare(`DELETE FROM "DeliveryJob" WHERE "id" = ?`),
    insertOutcome: db.prepare(
      `INSERT INTO "DeliveryOutcome" (${OUTCOME_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT ("destinationId", "seq") DO NOTHING`,
    ),
    upsertOutcome: db.prepare(
      `INSERT INTO "DeliveryOutcome" (${OUTCOME_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT ("destinationId", "seq") DO UPDATE SET "status" = excluded."status", "replayId" = excluded."replayId",
         "attempts" = excluded."attempts", "finishedAt" = excluded."finishedAt", "latencyMs" = excluded."latencyMs",
         "httpStatus" = excluded."httpStatus", "errorType" = excluded."errorType",
         "errorMessage" = excluded."errorMessage"`,
    ),
    insertSample: db.prepare(
      `INSERT INTO "DeliverySample" ("destinationId", "workspaceId", "errorType", "seq", "messageId", "at", "httpStatus",
         "errorMessage", "youSent", "request", "response") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    trimSamples: db.prepare(
      `DELETE FROM "DeliverySample" WHERE "destinationId" = ? AND "errorType" = ? AND "id" <= (
         SELECT "id" FROM "DeliverySample" WHERE "destinationId" = ? AND "errorType" = ? ORDER BY "id" DESC
         LIMIT 1 OFFSET ?)`,
    ),
    readCursor: db.prepare(`SELECT "lastSeq" FROM "RoutingCursor" WHERE "id" = 'main'`),
    writeCursor: db.prepare(
      `INSERT INTO "RoutingCursor" ("id", "lastSeq", "updatedAt") VALUES ('main', ?, ?)
       ON CONFLICT ("id") DO UPDATE SET "lastSeq" = excluded."lastSeq", "updatedAt" = excluded."updatedAt"`,
    ),
    messagesAfter: db.prepare(
      `SELECT "seq", "workspaceId", "sourceId", "messageId", "type", "event", "status", "receivedAt", "payload", "protocol"
       FROM "Message" WHERE "seq" > ? ORDER BY "seq" LIMIT ?`,
    ),
    maxSeq: db.prepare(`SELECT MAX("seq") AS "seq" FROM "Message"`),
    archived: db.prepare(`SELECT "payload" FROM "Message" WHERE "seq" = ?`),
  };
}

export type Statements = ReturnType<typeof statements>;

const cache = new WeakMap<Database.Database, Statements>();

export function sql(db: Database.Database): Statements {
  let s = cache.get(db);
  if (!s) {
    s = statements(db);
    cache.set(db, s);
  }
  return s;
}

export interface OutcomeInput {
  destinationId: string;
  seq: number;
  workspaceId: string;
  sourceId: string;
  messageId: string;
  type: string;
  event: string | null;
  status: string;
  attempts: number;
  receivedAt: number;
  finishedAt: number;
  latencyMs: number | null;
  httpStatus: number | null;
  errorType: string | null;
  errorMessage: string | null;
  replayId?: number | null;
}

export function outcomeParams(o: OutcomeInput): unknown[] {
  return [
    o.destinationId,
    o.seq,
    o.workspaceId,
    o.sourceId,
    o.messageId,
    o.type,
    o.event,
    o.status,
    o.attempts,
    o.receivedAt,
    o.finishedAt,
    o.latencyMs,
    o.httpStatus,
    o.errorType,
    o.errorMessage,
    o.replayId ?? null,
  ];
}
