import type Database from "better-sqlite3";
import { isPg, type PgSyncDatabase, translate } from "@/lib/db/pg-sync";
import type { DeliveryConfig } from "@/lib/delivery/config";
import { RollupBatch } from "@/lib/delivery/rollups";
import {
  type InsertedJob,
  insertedJobs,
  insertedOutcomes,
  insertJobs,
  insertOutcomes,
  type JobInsert,
  type JobRow,
  type OutcomeInput,
  pgInsertJobs,
  pgInsertOutcomes,
  pgRoutingPass,
  rowKey,
  sql,
} from "@/lib/delivery/store";
import { deliveryTransaction } from "@/lib/delivery/tx";
import { privacySql } from "@/lib/privacy/sql";
import type { Verdict } from "@/lib/protocols/enforcement";
import { routeMessage } from "@/lib/routing/route";
import type { RouteContext } from "@/lib/routing/steps";
import { FINGERPRINT, type RoutingTable } from "@/lib/routing/table";
import { JOBS_CHANNEL, jobsNotification } from "@/lib/tap/pg";

// Routing is derived from the archive: read the messages after the cursor, decide per connected
// destination, then in ONE transaction insert the delivery jobs and the filtered/unsupported
// outcomes and move the cursor. A crash before the commit leaves the cursor where it was and the
// pass is redone; unique (destinationId, seq) keys make a redone pass harmless. Nothing is lost
// between acceptance and delivery because acceptance (the archive commit) is the queue's source.

export interface HandOff {
  capacity(): number;
  leaseMs(): number;
  accept(jobs: JobRow[]): void;
  notify(): void;
}

export interface RouterDeps {
  db: Database.Database;
  cfg: DeliveryConfig;
  now: () => number;
  table: () => RoutingTable;
  worker: (destinationId: string) => HandOff | undefined;
  /** Where a brand-new cursor starts: "latest" skips the history already archived. */
  startFrom?: "latest" | "beginning";
  /**
   * Called by each pass that found messages, before routing them, with the routing fingerprint
   * (lib/routing/table.ts) read in the same statement: the runner reloads the routing table when it
   * changed. Without it, the pass routes against table() as it is (the fingerprint is read anyway).
   */
  fingerprint?: (fingerprint: string) => void;
}

const MESSAGE_COLUMNS = [
  "seq",
  "workspaceId",
  "sourceId",
  "messageId",
  "type",
  "event",
  "status",
  "receivedAt",
  "payload",
  "protocol",
] as const;

const reads = new WeakMap<Database.Database, Database.Statement>();
/** passAsync's read, translated once for PostgreSQL. */
let readText: string | null = null;

function messagesWithFingerprintSql(): string {
  const cols = MESSAGE_COLUMNS.map((c) => `"${c}"`).join(", ");
  return `SELECT fp.*, ${MESSAGE_COLUMNS.map((c) => `m."${c}"`).join(", ")} FROM (${FINGERPRINT}) AS fp
       LEFT JOIN (SELECT ${cols} FROM "Message" WHERE "seq" > ? ORDER BY "seq" LIMIT ?) AS m ON 1 = 1
       ORDER BY m."seq"`;
}

/**
 * The messages after the cursor and, in the same statement, the routing fingerprint. One snapshot
 * serves both: every destination change committed before a message it returns is visible to the
 * fingerprint, so such a message is routed with that change; and on PostgreSQL it is one round
 * trip, not two, while the event loop waits. At least one row (the fingerprint's) comes back;
 * its "seq" is null when there are no messages.
 */
function messagesWithFingerprint(db: Database.Database): Database.Statement {
  let st = reads.get(db);
  if (!st) {
    st = db.prepare(messagesWithFingerprintSql());
    reads.set(db, st);
  }
  return st;
}

type Row = ArchiveRow & Record<string, unknown>;

interface PlannedJob {
  insert: JobInsert;
  leased: boolean;
  handed: JobRow;
}

/** One pass's decisions, before anything is written. */
interface Plan {
  consumed: number;
  last: number;
  now: number;
  routed: OutcomeInput[];
  jobs: PlannedJob[];
  removals: unknown[][];
}

interface HandOffs {
  handed: Map<string, JobRow[]>;
  waiting: Set<string>;
}

interface ArchiveRow {
  seq: number;
  workspaceId: string;
  sourceId: string;
  messageId: string | null;
  type: string | null;
  event: string | null;
  status: string;
  receivedAt: number;
  payload: string;
  protocol: string | null;
}

export class Router {
  private lastSeq = 0;

  constructor(private readonly deps: RouterDeps) {
    this.lastSeq = this.readCursor();
  }

  /**
   * Re-reads the cursor from the database: a router that (re)gains the routing lease continues
   * where the previous holder stopped, never from a stale copy (which would re-create jobs
   * already delivered).
   */
  reload(): void {
    this.lastSeq = this.readCursor();
  }

  private readCursor(): number {
    const deps = this.deps;
    const s = sql(deps.db);
    const row = s.readCursor.get() as { lastSeq: number } | undefined;
    if (row) return row.lastSeq;
    const start = deps.startFrom === "beginning" ? 0 : ((s.maxSeq.get() as { seq: number | null }).seq ?? 0);
    s.writeCursor.run(start, deps.now());
    return start;
  }

  get cursor(): number {
    return this.lastSeq;
  }

  /** Routes up to `limit` archived messages; returns how many archive rows it consumed. */
  pass(limit = 1000): number {
    const { db } = this.deps;
    const rows = messagesWithFingerprint(db).all(this.lastSeq, limit) as Row[];
    const plan = this.plan(rows);
    if (!plan) return 0;
    const handOff = deliveryTransaction(db, () =>
      this.write(
        plan,
        insertOutcomes(db, plan.routed),
        insertJobs(
          db,
          plan.jobs.map((j) => j.insert),
        ),
      ),
    );
    return this.committed(plan, handOff);
  }

  /**
   * The same pass on PostgreSQL without blocking the event loop: the read and the transaction run
   * on the connection's asynchronous pool (PgSyncDatabase.asyncPool), so the process keeps
   * sending and answering deliveries while PostgreSQL works. Two statements are answered (the
   * outcomes and jobs inserted, as in pass()); the rest of the transaction's writes are collected
   * with captureWrites and then run. The usual pass (every message goes to
   * its destinations: no routing outcomes, no privacy removals) is one statement instead, jobs
   * and cursor together, in one round trip (pgRoutingPass). Same rows, same atomicity, same cursor
   * rule: nothing is handed over or counted before the commit. The caller runs one pass at a time.
   */
  async passAsync(limit = 1000): Promise<number> {
    const { db } = this.deps;
    if (!isPg(db)) return this.pass(limit);
    const pgdb = db as unknown as PgSyncDatabase;
    const pool = pgdb.asyncPool();
    readText ??= translate(messagesWithFingerprintSql());
    const rows = (await pool.query(readText, [this.lastSeq, limit])).rows as Row[];
    const plan = this.plan(rows);
    if (!plan) return 0;
    if (plan.routed.length === 0 && plan.removals.length === 0) {
      // The common pass (every message goes to its destinations): one statement, one round trip.
      const waiting = new Set(plan.jobs.filter((j) => !j.leased).map((j) => j.insert.destinationId));
      const st = pgRoutingPass(
        plan.jobs.map((j) => j.insert),
        { lastSeq: plan.last, at: plan.now },
        waiting.size ? { channel: JOBS_CHANNEL, payload: jobsNotification(waiting) } : null,
      );
      const inserted = (await pool.query(translate(st.sql), st.params)).rows as InsertedJob[];
      return this.committed(plan, { handed: handedJobs(plan, insertedJobs(inserted)), waiting });
    }
    const client = await pool.connect();
    let handOff: HandOffs;
    try {
      const outcomes = pgInsertOutcomes(plan.routed);
      const jobs = pgInsertJobs(plan.jobs.map((j) => j.insert));
      // One statement after the other (node-postgres 8 sends them so anyway; queueing several on
      // one client is deprecated for pg 9).
      await client.query("BEGIN");
      const outcomeRows = outcomes ? await client.query(translate(outcomes.sql), outcomes.params) : null;
      const jobRows = jobs ? await client.query(translate(jobs.sql), jobs.params) : null;
      let written: HandOffs | undefined;
      const rest = pgdb.captureWrites(() => {
        written = this.write(
          plan,
          insertedOutcomes(outcomeRows?.rows ?? []),
          insertedJobs(jobRows?.rows ?? []),
        );
      });
      for (const st of rest) await client.query(st.sql, st.params);
      await client.query("COMMIT");
      handOff = written!;
    } catch (err) {
      // The connection is dropped rather than reused in an unknown state.
      await client.query("ROLLBACK").catch(() => {});
      client.release(true);
      throw err;
    }
    client.release();
    return this.committed(plan, handOff);
  }

  /** Decides every row of a read (the messages after the cursor) without writing anything. */
  private plan(rows: Row[]): Plan | null {
    if (rows.length === 0 || rows[0]!.seq === null) return null;
    if (this.deps.fingerprint) {
      const fp: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rows[0]!))
        if (!(MESSAGE_COLUMNS as readonly string[]).includes(k)) fp[k] = v;
      this.deps.fingerprint(JSON.stringify(fp));
    }
    const { cfg, now: clock } = this.deps;
    const table = this.deps.table();
    const now = clock();
    const room = new Map<string, number>();
    const last = rows[rows.length - 1]!.seq;
    // Decide every row first, then write each kind of row at once (lib/delivery/store.ts: one
    // statement per kind on PostgreSQL), all in one transaction with the cursor.
    const routed: OutcomeInput[] = [];
    const jobs: PlannedJob[] = [];
    const removals: unknown[][] = [];
    for (const row of rows) {
      if (row.status !== "accepted") continue;
      const targets = table.bySource.get(row.sourceId);
      if (!targets) continue;
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(row.payload) as Record<string, unknown>;
      } catch {
        continue;
      }
      const messageId =
        row.messageId ?? (typeof message.messageId === "string" ? message.messageId : `seq-${row.seq}`);
      const type = row.type ?? String(message.type ?? "");
      const ctx = routeContext(row.sourceId, row.protocol, table.schemaOff.get(row.sourceId));
      for (const dest of targets) {
        const decision = routeMessage(message, dest, ctx);
        const key = { destinationId: dest.id, sourceId: row.sourceId, workspaceId: row.workspaceId };
        if (decision.kind !== "deliver") {
          routed.push({
            ...key,
            seq: row.seq,
            messageId,
            type,
            event: row.event,
            status: decision.kind,
            attempts: 0,
            receivedAt: row.receivedAt,
            finishedAt: now,
            latencyMs: null,
            httpStatus: null,
            errorType: decision.errorType,
            errorMessage: decision.reason,
          });
          continue;
        }
        if (decision.privacyRemoved.length > 0)
          // "privacy: N fields removed" for Event Delivery and the debugger's delivery view.
          removals.push([
            dest.id,
            row.seq,
            row.workspaceId,
            row.sourceId,
            decision.privacyRemoved.length,
            JSON.stringify(decision.privacyRemoved),
            now,
          ]);
        const worker = this.deps.worker(dest.id);
        if (!room.has(dest.id)) room.set(dest.id, worker?.capacity() ?? 0);
        const leased = room.get(dest.id)! > 0;
        if (leased) room.set(dest.id, room.get(dest.id)! - 1);
        const leaseEnd = now + (worker?.leaseMs() ?? 0);
        const deadlineAt = row.receivedAt + cfg.deadlineMs;
        jobs.push({
          leased,
          insert: {
            ...key,
            seq: row.seq,
            messageId,
            type,
            event: row.event,
            receivedAt: row.receivedAt,
            payload: decision.payload,
            nextAttemptAt: leased ? leaseEnd : now,
            leaseUntil: leased ? leaseEnd : 0,
            deadlineAt,
            createdAt: now,
          },
          handed: {
            id: 0,
            ...key,
            seq: row.seq,
            messageId,
            type,
            event: row.event,
            receivedAt: row.receivedAt,
            attempts: 0,
            deadlineAt,
            payload: decision.payload ?? row.payload,
            modified: decision.payload === null ? 0 : 1,
            message: decision.message,
          },
        });
      }
    }
    return { consumed: rows.length, last, now, routed, jobs, removals };
  }

  /**
   * The pass's writes after its outcomes and jobs are inserted (`inserted` and `ids` say which
   * were new: a pass repeated after a crash inserts nothing twice and counts nothing twice):
   * privacy removals, rollups, the cursor, and the NOTIFY for jobs left in the queue.
   */
  private write(plan: Plan, inserted: Set<string>, ids: Map<string, number>): HandOffs {
    const { db } = this.deps;
    const { now } = plan;
    const rollups = new RollupBatch();
    const waiting = new Set<string>();
    for (const o of plan.routed)
      if (inserted.has(rowKey(o.destinationId, o.seq)))
        rollups.add(o, now, o.status as "filtered" | "unsupported");
    const ps = privacySql(db);
    for (const r of plan.removals) ps.insertRemoval.run(...r);
    for (const j of plan.jobs)
      if (!j.leased && ids.has(rowKey(j.insert.destinationId, j.insert.seq)))
        waiting.add(j.insert.destinationId);
    const handed = handedJobs(plan, ids);
    rollups.write(db);
    sql(db).writeCursor.run(plan.last, now);
    // PostgreSQL: other processes' workers claim what was left in the queue as soon as this
    // commits (the notification is delivered at commit), not at their next idle claim.
    if (waiting.size && isPg(db))
      (db as unknown as PgSyncDatabase).send("SELECT pg_notify($1, $2)", [
        JOBS_CHANNEL,
        jobsNotification(waiting),
      ]);
    return { handed, waiting };
  }

  /** After the commit: the cursor moves and this process's workers get what was leased to them. */
  private committed(plan: Plan, { handed, waiting }: HandOffs): number {
    this.lastSeq = plan.last;
    for (const [id, jobs] of handed) this.deps.worker(id)?.accept(jobs);
    for (const id of waiting) this.deps.worker(id)?.notify();
    return plan.consumed;
  }
}

/** The leased jobs of a pass that were inserted (`ids`), by destination, to hand to this process's workers. */
function handedJobs(plan: Plan, ids: Map<string, number>): Map<string, JobRow[]> {
  const handed = new Map<string, JobRow[]>();
  for (const j of plan.jobs) {
    if (!j.leased) continue;
    const id = ids.get(rowKey(j.insert.destinationId, j.insert.seq));
    if (id === undefined) continue; // routed before (a pass repeated after a crash)
    const list = handed.get(j.insert.destinationId) ?? [];
    list.push({ ...j.handed, id });
    handed.set(j.insert.destinationId, list);
  }
  return handed;
}

/** The steps' context for an archived message: its Protocols verdict and its source's schema integration filters. */
export function routeContext(
  sourceId: string,
  protocol: string | null,
  schemaOff: RouteContext["schemaOff"],
): RouteContext {
  let verdict: Verdict | null = null;
  if (protocol) {
    try {
      verdict = JSON.parse(protocol) as Verdict;
    } catch {
      verdict = null;
    }
  }
  return { sourceId, verdict, schemaOff };
}
