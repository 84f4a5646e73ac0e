import type Database from "better-sqlite3";
import type pg from "pg";
import { releaseFailed } from "@/lib/db/pg";
import { isPg, type PgSyncDatabase } from "@/lib/db/pg-sync";
import { RetryRollupBatch, RollupBatch, type RollupField } from "@/lib/delivery/rollups";
import { deleteJobs, type JobRow, type OutcomeInput, sql, upsertOutcomes } from "@/lib/delivery/store";
import { deliveryTransaction } from "@/lib/delivery/tx";

// Writes what the workers did, grouped: every completed attempt of the last few milliseconds
// goes into one transaction (job row removed or rescheduled, outcome upserted, rollups merged,
// failure samples kept and trimmed). Until that commit the jobs stay leased, so a crash before
// it means the attempt is simply made again (same idempotency key).
//
// On PostgreSQL a delivering process (the runner) records off its event loop: the transaction's
// statements are collected (PgSyncDatabase.captureWrites: they are all writes) and run on the
// asynchronous pool, one flush at a time, so HTTP answers keep being handled while PostgreSQL
// applies them. Everything else about a flush is the same: one transaction, commit with
// synchronous_commit off (lib/delivery/tx.ts says why that is safe), kept and retried on failure.

export type Completion =
  | {
      kind: "delivered";
      job: JobRow;
      attempts: number;
      at: number;
      latencyMs: number;
      httpStatus: number | null;
    }
  | {
      kind: "retry";
      job: JobRow;
      attempts: number;
      at: number;
      nextAt: number;
      httpStatus: number | null;
      errorType: string;
      message: string;
    }
  | {
      kind: "final";
      status: "not_delivered" | "filtered" | "unsupported";
      job: JobRow;
      attempts: number;
      at: number;
      httpStatus: number | null;
      errorType: string;
      message: string;
    }
  /** Give the job back without an attempt (shutdown): due again at once. */
  | { kind: "release"; job: JobRow; at: number };

export interface SampleInput {
  destinationId: string;
  workspaceId: string;
  errorType: string;
  seq: number;
  messageId: string;
  at: number;
  httpStatus: number | null;
  errorMessage: string;
  youSent: string;
  request: string | null;
  response: string | null;
}

const FIELD: Record<string, RollupField> = {
  not_delivered: "notDelivered",
  filtered: "filtered",
  unsupported: "unsupported",
};

export class Recorder {
  private queue: Completion[] = [];
  private samples = new Map<string, SampleInput>();
  private readonly lastSampleAt = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private lastError = 0;
  /** The flush running on the asynchronous pool (PostgreSQL, offLoop). */
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly opts: {
      flushMs: number;
      samplesPerType: number;
      /** PostgreSQL: write on the asynchronous pool instead of blocking the event loop. */
      offLoop?: boolean;
    },
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  add(c: Completion, sample?: SampleInput): void {
    this.queue.push(c);
    if (sample) {
      // At most one sample per destination and error type per second: under a storm of identical
      // failures the table would churn for nothing.
      const key = `${sample.destinationId}\u0000${sample.errorType}`;
      if (sample.at - (this.lastSampleAt.get(key) ?? 0) >= 1000) {
        this.lastSampleAt.set(key, sample.at);
        this.samples.set(key, sample);
      }
    }
    this.flushIn(this.opts.flushMs);
  }

  /** Flushes after `ms` (unless a flush is already due). */
  private flushIn(ms: number): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, ms);
  }

  /**
   * Writes everything pending in one transaction. Returns false (and keeps it) if the write failed.
   * Off the loop (PostgreSQL) it starts the write and returns true; a failure is kept and retried.
   */
  flush(): boolean {
    if (this.queue.length === 0 && this.samples.size === 0) return true;
    if (this.opts.offLoop && isPg(this.db)) {
      this.flushing ??= this.flushOffLoop().finally(() => {
        this.flushing = null;
      });
      return true;
    }
    const batch = this.queue;
    const samples = [...this.samples.values()];
    try {
      deliveryTransaction(this.db, () => this.write(batch, samples), { asyncCommit: true, pipelined: true });
    } catch (err) {
      this.failed(err);
      return false;
    }
    this.done(batch.length, samples);
    return true;
  }

  private async flushOffLoop(): Promise<void> {
    const n = this.queue.length;
    const batch = this.queue.slice(0, n);
    const samples = [...this.samples.values()];
    const pgdb = this.db as unknown as PgSyncDatabase;
    let client: pg.PoolClient | null = null;
    try {
      const statements = pgdb.captureWrites(() => this.write(batch, samples));
      client = await pgdb.asyncPool().connect();
      await client.query("BEGIN");
      await client.query("SET LOCAL synchronous_commit = off");
      for (const st of statements) await client.query(st.sql, st.params);
      await client.query("COMMIT");
    } catch (err) {
      if (client) await releaseFailed(client, err);
      this.failed(err);
      return;
    }
    client.release();
    this.done(n, samples);
    // What arrived while this one was written goes next.
    if (this.queue.length || this.samples.size) this.flushIn(this.opts.flushMs);
  }

  private done(count: number, samples: SampleInput[]): void {
    this.queue = this.queue.slice(count);
    for (const s of samples) this.samples.delete(`${s.destinationId}\u0000${s.errorType}`);
  }

  private failed(err: unknown): void {
    const now = Date.now();
    if (now - this.lastError > 60_000) {
      this.lastError = now;
      console.error("[switchyard] delivery: recording results failed, will retry:", err);
    }
    this.flushIn(1000);
  }

  /** Writes what is pending (on SQLite, or without offLoop, before it returns). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
  }

  /** Writes what is pending and waits for it, including a write already running off the loop. */
  async drain(): Promise<void> {
    await this.flushing;
    this.close();
    await this.flushing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private write(batch: Completion[], samples: SampleInput[]): void {
    const s = sql(this.db);
    const rollups = new RollupBatch();
    const retries = new RetryRollupBatch();
    // Finished jobs and outcomes are written together per kind (lib/delivery/store.ts: one
    // statement each on PostgreSQL); a job's outcomes keep their order, the last one wins.
    const finished: number[] = [];
    const outcomes: OutcomeInput[] = [];
    for (const c of batch) {
      const j = c.job;
      if (c.kind === "release") {
        s.release.run(c.at, j.id);
        continue;
      }
      const outcome = {
        destinationId: j.destinationId,
        seq: j.seq,
        workspaceId: j.workspaceId,
        sourceId: j.sourceId,
        messageId: j.messageId,
        type: j.type,
        event: j.event,
        receivedAt: j.receivedAt,
        attempts: c.attempts,
        finishedAt: c.at,
        httpStatus: c.httpStatus,
        replayId: j.replayId ?? null,
      };
      if (c.kind === "retry") {
        s.reschedule.run(c.attempts, c.nextAt, c.httpStatus, c.errorType, c.message, j.id);
        outcomes.push({
          ...outcome,
          status: "retrying",
          latencyMs: null,
          errorType: c.errorType,
          errorMessage: c.message,
        });
        rollups.add(j, c.at, "retried");
        retries.add(j, c.at, c.errorType, c.httpStatus, j.attempts === 0);
        continue;
      }
      finished.push(j.id);
      if (c.kind === "delivered") {
        outcomes.push({
          ...outcome,
          status: "delivered",
          latencyMs: c.latencyMs,
          errorType: null,
          errorMessage: null,
        });
        rollups.add(j, c.at, "delivered", c.latencyMs);
      } else {
        outcomes.push({
          ...outcome,
          status: c.status,
          latencyMs: null,
          errorType: c.errorType,
          errorMessage: c.message,
        });
        rollups.add(j, c.at, FIELD[c.status]!);
      }
    }
    deleteJobs(this.db, finished);
    upsertOutcomes(this.db, outcomes);
    rollups.write(this.db);
    retries.write(this.db);
    for (const x of samples) {
      s.insertSample.run(
        x.destinationId,
        x.workspaceId,
        x.errorType,
        x.seq,
        x.messageId,
        x.at,
        x.httpStatus,
        x.errorMessage,
        x.youSent,
        x.request,
        x.response,
      );
      s.trimSamples.run(x.destinationId, x.errorType, x.destinationId, x.errorType, this.opts.samplesPerType);
    }
  }
}
