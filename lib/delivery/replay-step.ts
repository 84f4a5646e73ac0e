import type Database from "better-sqlite3";
import { pgTransaction, readerFor } from "@/lib/db/off-loop";
import { type PgSyncDatabase, translated } from "@/lib/db/pg-sync";
import type { ReplayRow } from "@/lib/delivery/replay-runs";
import { RollupBatch } from "@/lib/delivery/rollups";
import { type OutcomeInput, outcomeParams, sql } from "@/lib/delivery/store";
import { deliveryTransaction } from "@/lib/delivery/tx";
import { parseArchived, routeContext } from "@/lib/routing/plan";
import { routeMessage } from "@/lib/routing/route";
import type { RouteContext } from "@/lib/routing/steps";
import type { RoutedDestination } from "@/lib/routing/table";

// A running replay's step (lib/delivery/replay-runs.ts starts, lists and cancels replays): the
// engine calls it once a second. Each step reads at most `budget` messages of the window after the
// replay's cursor, puts them through the routing steps as live routing does, queues the deliveries
// (a message whose job is already queued for the destination is counted, not queued twice), records
// the filtered ones and moves the cursor; the replay is done once the window is read and its jobs
// have finished. On PostgreSQL the step runs on the asynchronous pool (advanceReplaysAsync).

export interface AdvanceDeps {
  now: number;
  deadlineMs: number;
  budget: number;
  destination: (id: string) => RoutedDestination | undefined;
  /** The sources' schema integration filters (the routing table's), as live routing uses them. */
  schemaOff?: (sourceId: string) => RouteContext["schemaOff"];
}

interface ArchivedForReplay {
  seq: number;
  workspaceId: string;
  sourceId: string;
  messageId: string | null;
  type: string | null;
  event: string | null;
  receivedAt: number;
  payload: string;
  protocol: string | null;
}

/** One running replay's next step: the messages read, and what the routing steps decided. */
interface Step {
  r: ReplayRow;
  pending: number;
  finishedReading: boolean;
  after: number;
  /** Job rows to insert: [sourceId, seq, messageId, type, event, receivedAt, payload]. */
  jobs: [string, number, string, string, string | null, number, string | null][];
  filtered: OutcomeInput[];
}

const RUNNING = `SELECT * FROM "DeliveryReplay" WHERE "status" = 'running'`;
const PENDING = `SELECT COUNT(*) AS "n" FROM "DeliveryJob" WHERE "replayId" = ?`;
const windowSql = (sources: number) =>
  `SELECT "seq", "workspaceId", "sourceId", "messageId", "type", "event", "receivedAt", "payload", "protocol" FROM "Message"
   WHERE "sourceId" IN (${Array.from({ length: sources }, () => "?").join(", ")}) AND "workspaceId" = ? AND "seq" > ? AND "seq" <= ?
     AND "status" = 'accepted' AND "receivedAt" >= ? AND "receivedAt" < ? ORDER BY "seq" LIMIT ?`;
const INSERT_JOB = `INSERT INTO "DeliveryJob" ("destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "event",
   "receivedAt", "payload", "attempts", "nextAttemptAt", "leaseUntil", "deadlineAt", "createdAt", "replayId")
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?) ON CONFLICT ("destinationId", "seq") DO NOTHING`;
// PostgreSQL: the step's jobs in one statement (the same rows as INSERT_JOB, one per message).
const PG_INSERT_JOBS = `INSERT INTO "DeliveryJob" ("destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "event",
   "receivedAt", "payload", "attempts", "nextAttemptAt", "leaseUntil", "deadlineAt", "createdAt", "replayId")
 SELECT ?, ?, s, q, m, t, e, r, p, 0, ?, 0, ?, ?, ? FROM unnest(?::text[], ?::int[], ?::text[], ?::text[], ?::text[],
   ?::bigint[], ?::text[]) AS x(s, q, m, t, e, r, p)
 ON CONFLICT ("destinationId", "seq") DO NOTHING`;

/** How many of the replay's messages to read now (none while two seconds' worth wait). */
function take(pending: number, deps: AdvanceDeps): number {
  return Math.min(deps.budget, Math.max(0, 2 * deps.budget - pending));
}

/** Whether the replay reads anything (a replay whose sources are all gone reads nothing, and ends). */
const hasSources = (r: ReplayRow) => (JSON.parse(r.sourceIds) as string[]).length > 0;

function windowParams(r: ReplayRow, n: number): unknown[] {
  const sources = JSON.parse(r.sourceIds) as string[];
  return [...sources, r.workspaceId, r.afterSeq, r.endSeq, r.fromMs, r.toMs, n];
}

/** The routing steps over the messages read, as live routing runs them (pure: no database). */
function plan(r: ReplayRow, pending: number, n: number, rows: ArchivedForReplay[], deps: AdvanceDeps): Step {
  const dest = deps.destination(r.destinationId);
  const step: Step = {
    r,
    pending,
    finishedReading: n > 0 && rows.length < n,
    after: rows.length ? Number(rows[rows.length - 1]!.seq) : r.afterSeq,
    jobs: [],
    filtered: [],
  };
  if (!dest) return step;
  for (const m of rows) {
    const parsed = parseArchived(m);
    if (!parsed) continue;
    const { message, messageId, type } = parsed;
    // The same steps as live routing, the stored Protocols verdict included.
    const decision = routeMessage(
      message,
      dest,
      routeContext(m.sourceId, m.protocol, deps.schemaOff?.(m.sourceId)),
    );
    if (decision.kind === "deliver") {
      step.jobs.push([
        m.sourceId,
        Number(m.seq),
        messageId,
        type,
        m.event,
        Number(m.receivedAt),
        decision.payload,
      ]);
      continue;
    }
    step.filtered.push({
      destinationId: r.destinationId,
      sourceId: m.sourceId,
      workspaceId: m.workspaceId,
      seq: Number(m.seq),
      messageId,
      type,
      event: m.event,
      status: decision.kind,
      attempts: 0,
      receivedAt: Number(m.receivedAt),
      finishedAt: deps.now,
      latencyMs: null,
      httpStatus: null,
      errorType: decision.errorType,
      errorMessage: decision.reason,
      replayId: r.id,
    });
  }
  return step;
}

/** The step's writes after its jobs: filtered outcomes, rollups, the replay's counts and status. */
function finish(db: Database.Database, step: Step, routed: number, deps: AdvanceDeps): void {
  const { r } = step;
  const s = sql(db);
  const rollups = new RollupBatch();
  for (const o of step.filtered) {
    s.upsertOutcome.run(...outcomeParams(o));
    rollups.add(o, deps.now, o.status as "filtered" | "unsupported");
  }
  rollups.write(db);
  const alreadyQueued = step.jobs.length - routed;
  const done = step.finishedReading && step.pending === 0 && routed === 0;
  db.prepare(
    `UPDATE "DeliveryReplay" SET "afterSeq" = ?, "routed" = "routed" + ?, "filtered" = "filtered" + ?,
       "alreadyQueued" = "alreadyQueued" + ?, "status" = ?, "finishedAt" = ? WHERE "id" = ? AND "status" = 'running'`,
  ).run(
    step.after,
    routed,
    step.filtered.length,
    alreadyQueued,
    done ? "done" : "running",
    done ? deps.now : null,
    r.id,
  );
}

/**
 * Advances every running replay by at most `budget` messages (the engine calls it once a second).
 * Returns the destinations that got new jobs (their workers are told). SQLite, and PostgreSQL when
 * blocking is fine (tests); the engine uses advanceReplaysAsync on PostgreSQL.
 */
export function advanceReplays(db: Database.Database, deps: AdvanceDeps): Set<string> {
  const woken = new Set<string>();
  for (const r of db.prepare(RUNNING).all() as ReplayRow[]) {
    if (!deps.destination(r.destinationId)) continue; // disabled (or just deleted): the replay waits
    const pending = Number((db.prepare(PENDING).get(r.id) as { n: number }).n);
    const n = take(pending, deps);
    const rows =
      n > 0 && hasSources(r)
        ? (db
            .prepare(windowSql(JSON.parse(r.sourceIds).length))
            .all(...windowParams(r, n)) as ArchivedForReplay[])
        : [];
    const step = plan(r, pending, n, rows, deps);
    deliveryTransaction(db, () => {
      const insert = db.prepare(INSERT_JOB);
      let routed = 0;
      for (const [sourceId, seq, messageId, type, event, receivedAt, payload] of step.jobs)
        routed += insert.run(
          r.destinationId,
          r.workspaceId,
          sourceId,
          seq,
          messageId,
          type,
          event,
          receivedAt,
          payload,
          deps.now,
          deps.now + deps.deadlineMs,
          deps.now,
          r.id,
        ).changes;
      finish(db, step, routed, deps);
      if (routed) woken.add(r.destinationId);
    });
  }
  return woken;
}

/**
 * PostgreSQL: the same step without blocking the event loop. The reads and the transaction run
 * on the connection's asynchronous pool; the jobs are one statement (up to `budget` rows with their
 * payloads, which on the blocking connection were one round trip each). The replay's row is locked
 * first, so a replay cancelled meanwhile gets no job after its cancel removed them.
 */
export async function advanceReplaysAsync(db: Database.Database, deps: AdvanceDeps): Promise<Set<string>> {
  const pgdb = db as unknown as PgSyncDatabase;
  const read = readerFor(db);
  const woken = new Set<string>();
  for (const r of await read.all<ReplayRow>(RUNNING, [])) {
    if (!deps.destination(r.destinationId)) continue;
    const pending = Number((await read.get<{ n: number }>(PENDING, [r.id]))!.n);
    const n = take(pending, deps);
    const rows =
      n > 0 && hasSources(r)
        ? await read.all<ArchivedForReplay>(windowSql(JSON.parse(r.sourceIds).length), windowParams(r, n))
        : [];
    const step = plan(r, pending, n, rows, deps);
    const routed = await pgTransaction(pgdb, async (client) => {
      const locked = await client.query(
        translated(
          `SELECT "status" FROM "DeliveryReplay" WHERE "id" = ? AND "status" = 'running' FOR UPDATE`,
        ),
        [r.id],
      );
      if (locked.rowCount === 0) return 0;
      const col = (i: number) => step.jobs.map((j) => j[i]);
      const inserted = step.jobs.length
        ? ((
            await client.query(translated(PG_INSERT_JOBS), [
              r.destinationId,
              r.workspaceId,
              deps.now,
              deps.now + deps.deadlineMs,
              deps.now,
              r.id,
              ...[0, 1, 2, 3, 4, 5, 6].map(col),
            ])
          ).rowCount ?? 0)
        : 0;
      for (const st of pgdb.captureWrites(() => finish(db, step, inserted, deps)))
        await client.query(st.sql, st.params);
      return inserted;
    });
    if (routed) woken.add(r.destinationId);
  }
  return woken;
}
