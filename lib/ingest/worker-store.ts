import type { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import { type Checkpointer, spawnArchiveThread } from "@/lib/ingest/checkpointer";
import { APPEND_SQL, SqliteArchiveStore } from "@/lib/ingest/sqlite-store";
import {
  type AppendResult,
  type ArchivedMessage,
  type ArchivedRow,
  type ArchiveStore,
  DEDUP_WINDOW_MS,
  type RecentFilter,
} from "@/lib/ingest/store";

// ArchiveStore whose appends run on a writer thread with its own connection to the same file
// (the default writer). better-sqlite3 is synchronous: inline, the inserts and the commit's
// fsync (~1 ms here) run on the event loop that also serves the console. On a thread they
// overlap with parsing the next requests, for the price of copying rows across threads.
// Reads and pruning stay on the caller's connection (WAL lets them run beside the writer).

const FIELDS_PER_ROW = 15;

interface PendingJob {
  resolve(result: AppendResult): void;
  reject(err: Error): void;
}

/**
 * Flat array of primitives: far cheaper to post to the thread than an array of objects. Also
 * the payload bytes, which the thread counts towards the next WAL checkpoint.
 */
function packRows(batch: ArchivedMessage[]): { rows: unknown[]; bytes: number; observations: string[] } {
  const rows: unknown[] = [];
  let bytes = 0;
  // Source Schema observations repeat across a group: each distinct one crosses to the thread
  // once, rows carry its index (-1: none).
  const observations: string[] = [];
  const seen = new Map<string, number>();
  let prev: string | null = null;
  let prevIndex = -1;
  for (const m of batch) {
    let obs = -1;
    if (m.status === "accepted" && m.observation) {
      // Consecutive messages usually share their shape: a string compare beats a hash lookup.
      obs = m.observation === prev ? prevIndex : (seen.get(m.observation) ?? -1);
      if (obs < 0) {
        obs = observations.push(m.observation) - 1;
        seen.set(m.observation, obs);
      }
      prev = m.observation;
      prevIndex = obs;
    }
    bytes += m.payload.length;
    rows.push(
      m.workspaceId,
      m.sourceId,
      m.messageId,
      m.type,
      m.event,
      m.userId,
      m.anonymousId,
      m.status,
      m.reason,
      m.receivedAt,
      m.payload,
      m.dedup ? m.messageId : null,
      m.receivedAt - DEDUP_WINDOW_MS,
      m.protocol ?? null,
      obs,
    );
  }
  return { rows, bytes, observations };
}

export class WorkerArchiveStore implements ArchiveStore {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, PendingJob>();
  private nextId = 1;
  private readonly reader: SqliteArchiveStore;

  private readonly busyTimeoutMs: number;
  private readonly commitDelayMs: number;
  private readonly testFlushError: string | undefined;
  private readonly schemaFlushMs: number;
  private readonly caughtUp: Int32Array;
  private readonly checkpoints: Pick<Checkpointer, "written" | "thresholdBytes"> | undefined;
  /** A checkpointer thread runs beside it (see checkpointer.ts); else SQLite's autocheckpoint. */
  private readonly managedCheckpoints: boolean;

  constructor(
    private readonly db: Database.Database,
    options: {
      busyTimeoutMs?: number;
      commitDelayMs?: number;
      caughtUp?: Int32Array;
      /**
       * The checkpointer's byte counter and threshold: each commit adds its payload to `written`
       * and wakes the checkpointer when it crosses `thresholdBytes`.
       */
      checkpoints?: Pick<Checkpointer, "written" | "thresholdBytes">;
      /** How often the Source Schema's aggregates are written (ms; 0: with every group). */
      schemaFlushMs?: number;
      /** Tests only: every WAL flush fails with this message. */
      testFlushError?: string;
    } = {},
  ) {
    this.busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    this.commitDelayMs = options.commitDelayMs ?? 0;
    this.testFlushError = options.testFlushError;
    this.schemaFlushMs = options.schemaFlushMs ?? 250;
    this.caughtUp = options.caughtUp ?? new Int32Array(new SharedArrayBuffer(4));
    this.checkpoints = options.checkpoints;
    this.managedCheckpoints = options.caughtUp !== undefined;
    if (db.memory) throw new Error("WorkerArchiveStore needs a file database");
    this.reader = new SqliteArchiveStore(db);
  }

  append(batch: ArchivedMessage[]): Promise<AppendResult> {
    if (batch.length === 0) return Promise.resolve({ seqs: [], stored: 0, duplicates: 0 });
    const id = this.nextId++;
    return new Promise<AppendResult>((resolve, reject) => {
      const thread = this.thread();
      // Referenced only while commits are outstanding: an idle writer never holds the process open.
      if (this.pending.size === 0) thread.ref();
      this.pending.set(id, { resolve, reject });
      thread.postMessage({ id, ...packRows(batch) });
    });
  }

  recent(sourceId: string, filter: RecentFilter): ArchivedRow[] {
    return this.reader.recent(sourceId, filter);
  }

  prune(olderThanMs: number, maxRows?: number): number {
    return this.reader.prune(olderThanMs, maxRows);
  }

  /** Stops the writer thread; call after the last append has settled. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    // Let the thread close its WAL descriptor and connection (they belong to the process, not
    // to the thread); terminate it if it does not finish promptly.
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.postMessage("close");
    const timer = setTimeout(() => void worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnArchiveThread("writer", {
      file: this.db.name,
      busyTimeoutMs: this.busyTimeoutMs,
      fieldsPerRow: FIELDS_PER_ROW,
      appendSql: APPEND_SQL,
      commitDelayMs: this.commitDelayMs,
      testFlushError: this.testFlushError,
      schemaFlushMs: this.schemaFlushMs,
      caughtUp: this.caughtUp,
      written: this.checkpoints?.written,
      checkpointBytes: this.checkpoints?.thresholdBytes,
      managedCheckpoints: this.managedCheckpoints,
    });
    worker.on("message", (msg: { id: number; seqs?: Float64Array; error?: string }) => {
      const job = this.pending.get(msg.id);
      if (!job) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.error !== undefined || !msg.seqs) return job.reject(new Error(msg.error ?? "writer failed"));
      const seqs: (number | null)[] = new Array(msg.seqs.length);
      let duplicates = 0;
      for (let i = 0; i < msg.seqs.length; i++) {
        const seq = msg.seqs[i]!;
        if (seq < 0) duplicates++;
        seqs[i] = seq < 0 ? null : seq;
      }
      job.resolve({ seqs, stored: seqs.length - duplicates, duplicates });
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const job of this.pending.values()) job.reject(err);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (this.worker === worker || this.pending.size > 0) fail(new Error(`archive writer exited (${code})`));
    });
    this.worker = worker;
    return worker;
  }
}
