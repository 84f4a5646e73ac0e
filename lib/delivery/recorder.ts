import type Database from "better-sqlite3";
import { RetryRollupBatch, RollupBatch, type RollupField } from "@/lib/delivery/rollups";
import { deleteJobs, type JobRow, type OutcomeInput, sql, upsertOutcomes } from "@/lib/delivery/store";
import { deliveryTransaction } from "@/lib/delivery/tx";

// Writes what the workers did, grouped: every completed attempt of the last few milliseconds
// goes into one transaction (job row removed or rescheduled, outcome upserted, rollups merged,
// failure samples kept and trimmed). Until that commit the jobs stay leased, so a crash before
// it means the attempt is simply made again (same idempotency key).

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

  constructor(
    private readonly db: Database.Database,
    private readonly opts: { flushMs: number; samplesPerType: number },
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
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.opts.flushMs);
  }

  /** Writes everything pending in one transaction. Returns false (and keeps it) if the write failed. */
  flush(): boolean {
    if (this.queue.length === 0 && this.samples.size === 0) return true;
    const batch = this.queue;
    const samples = [...this.samples.values()];
    try {
      deliveryTransaction(this.db, () => this.write(batch, samples), { asyncCommit: true, pipelined: true });
    } catch (err) {
      const now = Date.now();
      if (now - this.lastError > 60_000) {
        this.lastError = now;
        console.error("[switchyard] delivery: recording results failed, will retry:", err);
      }
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.flush();
      }, 1000);
      return false;
    }
    this.queue = this.queue === batch ? [] : this.queue.slice(batch.length);
    for (const s of samples) this.samples.delete(`${s.destinationId}\u0000${s.errorType}`);
    return true;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
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
