import type Database from "better-sqlite3";
import { isPg, type PgSyncDatabase } from "@/lib/db/pg-sync";
import { RollupBatch } from "@/lib/delivery/rollups";
import { insertJobs, insertOutcomes, rowKey, sql } from "@/lib/delivery/store";
import { deliveryTransaction } from "@/lib/delivery/tx";
import { privacySql } from "@/lib/privacy/sql";
import { pgReadPass, pgWritePass } from "@/lib/routing/pg-pass";
import {
  fingerprintOf,
  type HandOffs,
  handedJobs,
  messagesWithFingerprintSql,
  type Plan,
  planPass,
  type RouterDeps,
  type Row,
} from "@/lib/routing/plan";
import { JOBS_CHANNEL, jobsNotification } from "@/lib/tap/pg";

export type { HandOff, RouterDeps } from "@/lib/routing/plan";

// Routing is derived from the archive: read the messages after the cursor, decide per connected
// destination (lib/routing/plan.ts), then in ONE transaction insert the delivery jobs and the
// filtered/unsupported outcomes and move the cursor. A crash before the commit leaves the cursor
// where it was and the pass is redone; unique (destinationId, seq) keys make a redone pass
// harmless. Nothing is lost between acceptance and delivery because acceptance (the archive
// commit) is the queue's source.

const reads = new WeakMap<Database.Database, Database.Statement>();

/** The read of a blocking pass (messagesWithFingerprintSql), prepared once per connection. */
function messagesWithFingerprint(db: Database.Database): Database.Statement {
  let st = reads.get(db);
  if (!st) {
    st = db.prepare(messagesWithFingerprintSql());
    reads.set(db, st);
  }
  return st;
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
    if (isPg(this.deps.db)) {
      this.stale = true; // read by the next passAsync, off the event loop
      return;
    }
    this.lastSeq = this.readCursor();
  }

  /** PostgreSQL: the cursor must be read again before the next pass (the lease was taken over). */
  private stale = false;

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
    if (this.stale) {
      this.lastSeq = this.readCursor();
      this.stale = false;
    }
    const rows = messagesWithFingerprint(db).all(this.lastSeq, limit) as Row[];
    const fp = fingerprintOf(rows);
    if (fp !== null) void this.deps.fingerprint?.(fp); // synchronous on SQLite
    const plan = planPass(rows, this.deps);
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
   * The same pass on PostgreSQL without blocking the event loop (lib/routing/pg-pass.ts); on
   * SQLite it is pass(). The caller runs one pass at a time.
   */
  async passAsync(limit = 1000): Promise<number> {
    const { db } = this.deps;
    if (!isPg(db)) return this.pass(limit);
    const pgdb = db as unknown as PgSyncDatabase;
    if (this.stale) {
      const row = (await pgdb.asyncPool().query(`SELECT "lastSeq" FROM "RoutingCursor" WHERE "id" = 'main'`))
        .rows[0] as { lastSeq: number } | undefined;
      // No cursor at all (a brand-new installation): create it as the constructor does.
      this.lastSeq = row ? row.lastSeq : this.readCursor();
      this.stale = false;
    }
    const rows = await pgReadPass(pgdb, this.lastSeq, limit);
    const fp = fingerprintOf(rows);
    if (fp !== null) await this.deps.fingerprint?.(fp);
    const plan = planPass(rows, this.deps);
    if (!plan) return 0;
    const handOff = await pgWritePass(pgdb, plan, (inserted, ids) => this.write(plan, inserted, ids));
    return this.committed(plan, handOff);
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
