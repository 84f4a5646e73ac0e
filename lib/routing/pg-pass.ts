import { pgTransaction } from "@/lib/db/off-loop";
import type { PgSyncDatabase } from "@/lib/db/pg-sync";
import { translated } from "@/lib/db/pg-sync";
import {
  type InsertedJob,
  insertedJobs,
  insertedOutcomes,
  pgInsertJobs,
  pgInsertOutcomes,
  pgRoutingPass,
} from "@/lib/delivery/store";
import {
  type HandOffs,
  handedJobs,
  messagesWithFingerprintSql,
  type Plan,
  type Row,
} from "@/lib/routing/plan";
import { JOBS_CHANNEL, jobsNotification } from "@/lib/tap/pg";

// A routing pass on PostgreSQL without blocking the event loop (Router.passAsync): the read and
// the writes run on the connection's asynchronous pool (PgSyncDatabase.asyncPool), so a delivering
// process keeps sending and answering deliveries while PostgreSQL works. Same rows, same
// atomicity, same cursor rule as the blocking pass: nothing is handed over or counted before the
// commit. The caller runs one pass at a time.

/** The messages after `cursor` (at most `limit`) with the routing fingerprint, in one round trip. */
export async function pgReadPass(pgdb: PgSyncDatabase, cursor: number, limit: number): Promise<Row[]> {
  return (await pgdb.asyncPool().query(translated(messagesWithFingerprintSql()), [cursor, limit]))
    .rows as Row[];
}

/**
 * Writes a planned pass. The usual pass (every message goes to its destinations: no routing
 * outcomes, no privacy removals) is ONE statement, jobs and cursor (and the jobs NOTIFY)
 * together, committed in one round trip (pgRoutingPass). Otherwise a transaction: the outcomes
 * and jobs inserts are answered (which rows were new), then `write` decides the rest of the pass's
 * writes from them (rollups, removals, cursor, NOTIFY), collected with captureWrites and run.
 */
export async function pgWritePass(
  pgdb: PgSyncDatabase,
  plan: Plan,
  write: (inserted: Set<string>, ids: Map<string, number>) => HandOffs,
): Promise<HandOffs> {
  const pool = pgdb.asyncPool();
  if (plan.routed.length === 0 && plan.removals.length === 0) {
    const waiting = new Set(plan.jobs.filter((j) => !j.leased).map((j) => j.insert.destinationId));
    const st = pgRoutingPass(
      plan.jobs.map((j) => j.insert),
      { lastSeq: plan.last, at: plan.now },
      waiting.size ? { channel: JOBS_CHANNEL, payload: jobsNotification(waiting) } : null,
    );
    const inserted = (await pool.query(translated(st.sql), st.params)).rows as InsertedJob[];
    return { handed: handedJobs(plan, insertedJobs(inserted)), waiting };
  }
  return pgTransaction(pgdb, async (client) => {
    const outcomes = pgInsertOutcomes(plan.routed);
    const jobs = pgInsertJobs(plan.jobs.map((j) => j.insert));
    // One statement after the other (node-postgres 8 sends them so anyway; queueing several on
    // one client is deprecated for pg 9).
    const outcomeRows = outcomes ? await client.query(translated(outcomes.sql), outcomes.params) : null;
    const jobRows = jobs ? await client.query(translated(jobs.sql), jobs.params) : null;
    let written: HandOffs | undefined;
    const rest = pgdb.captureWrites(() => {
      written = write(insertedOutcomes(outcomeRows?.rows ?? []), insertedJobs(jobRows?.rows ?? []));
    });
    for (const st of rest) await client.query(st.sql, st.params);
    return written!;
  });
}
