import type Database from "better-sqlite3";
import type pg from "pg";
import { pgPlaceholders } from "@/lib/db/pg-sql";
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

export const JOB_COLUMNS = `"destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "event", "receivedAt",
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

// Many rows per statement. On SQLite a prepared statement per row is the fastest way (no round
// trips); on PostgreSQL each statement is a round trip through the synchronous connection
// (lib/db/pg-sync.ts), so the routing pass and the recorder write each kind of row with ONE
// statement over unnest()ed arrays — never one INSERT per event.

export interface JobInsert {
  destinationId: string;
  workspaceId: string;
  sourceId: string;
  seq: number;
  messageId: string;
  type: string;
  event: string | null;
  receivedAt: number;
  payload: string | null;
  nextAttemptAt: number;
  leaseUntil: number;
  deadlineAt: number;
  createdAt: number;
}

export const rowKey = (destinationId: string, seq: number) => `${destinationId}\u0000${seq}`;

const PG_INSERT_JOBS = `INSERT INTO "DeliveryJob" (${JOB_COLUMNS})
  SELECT d, w, s, q, m, t, e, r, p, 0, n, l, dl, c FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::text[],
    ?::text[], ?::text[], ?::bigint[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
    AS x(d, w, s, q, m, t, e, r, p, n, l, dl, c)
  ON CONFLICT ("destinationId", "seq") DO NOTHING RETURNING "id", "destinationId", "seq"`;

/** Inserts the jobs that do not exist yet; returns the new jobs' ids by rowKey. */
export function insertJobs(db: Database.Database, jobs: JobInsert[]): Map<string, number> {
  const ids = new Map<string, number>();
  if (jobs.length === 0) return ids;
  if (!isPg(db)) {
    const s = sql(db);
    for (const j of jobs) {
      const info = s.insertJob.run(
        j.destinationId,
        j.workspaceId,
        j.sourceId,
        j.seq,
        j.messageId,
        j.type,
        j.event,
        j.receivedAt,
        j.payload,
        j.nextAttemptAt,
        j.leaseUntil,
        j.deadlineAt,
        j.createdAt,
      );
      if (info.changes) ids.set(rowKey(j.destinationId, j.seq), Number(info.lastInsertRowid));
    }
    return ids;
  }
  const st = pgInsertJobs(jobs)!;
  return insertedJobs(db.prepare(st.sql).all(...st.params) as InsertedJob[]);
}

export type InsertedJob = { id: number; destinationId: string; seq: number };

/** PostgreSQL: the one statement inserting `jobs` (answering the rows inserted), or null for none. */
export function pgInsertJobs(jobs: JobInsert[]): { sql: string; params: unknown[] } | null {
  if (jobs.length === 0) return null;
  const col = <K extends keyof JobInsert>(k: K) => jobs.map((j) => j[k]);
  return {
    sql: PG_INSERT_JOBS,
    params: [
      col("destinationId"),
      col("workspaceId"),
      col("sourceId"),
      col("seq"),
      col("messageId"),
      col("type"),
      col("event"),
      col("receivedAt"),
      col("payload"),
      col("nextAttemptAt"),
      col("leaseUntil"),
      col("deadlineAt"),
      col("createdAt"),
    ],
  };
}

/**
 * PostgreSQL: a whole routing pass that only creates jobs (no routing outcomes, no privacy
 * removals) as ONE statement, which commits on its own: the jobs inserted (answering the new
 * rows, as pgInsertJobs), the cursor moved and, when `notify` is given, the jobs notification
 * sent at its commit. A data-modifying WITH runs every part exactly once and atomically; the
 * notification rides in the cursor's INSERT … SELECT so it is sent whether or not rows come back.
 */
export function pgRoutingPass(
  jobs: JobInsert[],
  cursor: { lastSeq: number; at: number },
  notify: { channel: string; payload: string } | null,
): { sql: string; params: unknown[] } {
  const upsert = `ON CONFLICT ("id") DO UPDATE SET "lastSeq" = excluded."lastSeq", "updatedAt" = excluded."updatedAt"`;
  const moveCursor = notify
    ? `INSERT INTO "RoutingCursor" ("id", "lastSeq", "updatedAt")
       SELECT 'main', ?::bigint, ?::bigint FROM (SELECT pg_notify(?, ?)) AS n ${upsert}`
    : `INSERT INTO "RoutingCursor" ("id", "lastSeq", "updatedAt") VALUES ('main', ?::bigint, ?::bigint) ${upsert}`;
  const cursorParams = notify
    ? [cursor.lastSeq, cursor.at, notify.channel, notify.payload]
    : [cursor.lastSeq, cursor.at];
  const insert = pgInsertJobs(jobs);
  if (!insert) return { sql: moveCursor, params: cursorParams };
  return {
    sql: `WITH ins AS (${insert.sql}), cur AS (${moveCursor}) SELECT * FROM ins`,
    params: [...insert.params, ...cursorParams],
  };
}

/** The rows pgInsertJobs answered -> job id by rowKey. */
export function insertedJobs(rows: InsertedJob[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (const r of rows) ids.set(rowKey(r.destinationId, Number(r.seq)), Number(r.id));
  return ids;
}

const OUTCOME_UNNEST = `SELECT * FROM unnest(?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
    ?::text[], ?::int[], ?::bigint[], ?::bigint[], ?::int[], ?::int[], ?::text[], ?::text[], ?::int[])`;

function outcomeColumns(outcomes: OutcomeInput[]): unknown[][] {
  const params = outcomes.map(outcomeParams);
  return Array.from({ length: params[0]!.length }, (_, i) => params.map((p) => p[i]));
}

/** Records final or routing outcomes that do not exist yet; returns the rowKeys inserted. */
export function insertOutcomes(db: Database.Database, outcomes: OutcomeInput[]): Set<string> {
  const inserted = new Set<string>();
  if (outcomes.length === 0) return inserted;
  if (!isPg(db)) {
    const s = sql(db);
    for (const o of outcomes)
      if (s.insertOutcome.run(...outcomeParams(o)).changes) inserted.add(rowKey(o.destinationId, o.seq));
    return inserted;
  }
  const st = pgInsertOutcomes(outcomes)!;
  return insertedOutcomes(db.prepare(st.sql).all(...st.params) as InsertedOutcome[]);
}

type InsertedOutcome = { destinationId: string; seq: number };

/** PostgreSQL: the one statement inserting routing outcomes not recorded yet, or null for none. */
export function pgInsertOutcomes(outcomes: OutcomeInput[]): { sql: string; params: unknown[] } | null {
  if (outcomes.length === 0) return null;
  return {
    sql: `INSERT INTO "DeliveryOutcome" (${OUTCOME_COLUMNS}) ${OUTCOME_UNNEST}
       ON CONFLICT ("destinationId", "seq") DO NOTHING RETURNING "destinationId", "seq"`,
    params: outcomeColumns(outcomes),
  };
}

/** The rows pgInsertOutcomes answered -> their rowKeys. */
export function insertedOutcomes(rows: InsertedOutcome[]): Set<string> {
  return new Set(rows.map((r) => rowKey(r.destinationId, Number(r.seq))));
}

/** Writes outcomes, replacing earlier ones of the same job (the last one given wins). */
export function upsertOutcomes(db: Database.Database, outcomes: OutcomeInput[]): void {
  if (outcomes.length === 0) return;
  if (!isPg(db)) {
    const s = sql(db);
    for (const o of outcomes) s.upsertOutcome.run(...outcomeParams(o));
    return;
  }
  // One statement may not update a row twice: keep each job's last outcome.
  const last = new Map<string, OutcomeInput>();
  for (const o of outcomes) {
    const k = rowKey(o.destinationId, o.seq);
    last.delete(k);
    last.set(k, o);
  }
  db.prepare(
    `INSERT INTO "DeliveryOutcome" (${OUTCOME_COLUMNS}) ${OUTCOME_UNNEST}
     ON CONFLICT ("destinationId", "seq") DO UPDATE SET "status" = excluded."status", "replayId" = excluded."replayId",
       "attempts" = excluded."attempts", "finishedAt" = excluded."finishedAt", "latencyMs" = excluded."latencyMs",
       "httpStatus" = excluded."httpStatus", "errorType" = excluded."errorType",
       "errorMessage" = excluded."errorMessage"`,
  ).run(...outcomeColumns([...last.values()]));
}

/** Deletes finished jobs. */
export function deleteJobs(db: Database.Database, ids: number[]): void {
  if (ids.length === 0) return;
  if (!isPg(db)) {
    const s = sql(db);
    for (const id of ids) s.deleteJob.run(id);
    return;
  }
  // One array parameter: passed as [ids] so it is not taken for the parameter list.
  db.prepare(`DELETE FROM "DeliveryJob" WHERE "id" = ANY(?::int[])`).run([ids]);
}

const PG_CLAIM = `WITH due AS (
    SELECT "id" FROM "DeliveryJob" WHERE "destinationId" = ? AND "nextAttemptAt" <= ? AND NOT ("id" = ANY(?::int[]))
    ORDER BY "nextAttemptAt" LIMIT ? FOR UPDATE SKIP LOCKED),
  claimed AS (
    UPDATE "DeliveryJob" j SET "nextAttemptAt" = ?, "leaseUntil" = ? FROM due WHERE j."id" = due."id"
    RETURNING j."id", j."destinationId", j."workspaceId", j."sourceId", j."seq", j."messageId", j."type", j."event",
      j."receivedAt", j."attempts", j."deadlineAt", j."replayId", j."createdAt", j."payload")
  SELECT c."id", c."destinationId", c."workspaceId", c."sourceId", c."seq", c."messageId", c."type", c."event",
    c."receivedAt", c."attempts", c."deadlineAt", c."replayId",
    CASE WHEN c."replayId" IS NULL THEN NULL ELSE c."createdAt" END AS "replayQueuedAt",
    COALESCE(c."payload", m."payload") AS "payload", CASE WHEN c."payload" IS NULL THEN 0 ELSE 1 END AS "modified"
  FROM claimed c LEFT JOIN "Message" m ON m."seq" = c."seq" ORDER BY c."seq"`;
const PG_CLAIM_TEXT = pgPlaceholders(PG_CLAIM);

/**
 * PostgreSQL, without blocking the event loop: `claimJobs` on the asynchronous pool, plus when the
 * queue had fewer than `want` due jobs, when the next one falls due (a hint for the next claim).
 */
export async function claimJobsAsync(
  pool: pg.Pool,
  destinationId: string,
  now: number,
  want: number,
  leaseEnd: number,
  held: ReadonlySet<number>,
): Promise<{ claimed: JobRow[]; nextDue: number | null }> {
  const claimed = (await pool.query(PG_CLAIM_TEXT, [destinationId, now, [...held], want, leaseEnd, leaseEnd]))
    .rows as JobRow[];
  if (claimed.length >= want) return { claimed, nextDue: null };
  const next = await pool.query(
    `SELECT MIN("nextAttemptAt") AS "at" FROM "DeliveryJob" WHERE "destinationId" = $1`,
    [destinationId],
  );
  const at = next.rows[0]?.at;
  return { claimed, nextDue: at === null || at === undefined ? null : Number(at) };
}

/**
 * Leases up to `want` due jobs of a destination (not among `held`) until `leaseEnd`. Returns
 * them and how many due rows were seen (fewer than `want`: the queue has no more due now).
 * PostgreSQL: one statement (SKIP LOCKED: rows another worker is leasing are passed over).
 */
export function claimJobs(
  db: Database.Database,
  destinationId: string,
  now: number,
  want: number,
  leaseEnd: number,
  held: ReadonlySet<number>,
): { claimed: JobRow[]; seen: number } {
  if (isPg(db)) {
    const claimed = db
      .prepare(PG_CLAIM)
      .all(destinationId, now, [...held], want, leaseEnd, leaseEnd) as JobRow[];
    return { claimed, seen: claimed.length };
  }
  const s = sql(db);
  const rows = s.dueJobs.all(destinationId, now, want) as JobRow[];
  const claimed = rows.filter(
    (r) => !held.has(r.id) && s.lease.run(leaseEnd, leaseEnd, r.id, now).changes === 1,
  );
  return { claimed, seen: rows.length };
}
