import os from "node:os";
import type { Worker as WorkerType } from "node:worker_threads";
import type Database from "better-sqlite3";
import { isPg } from "@/lib/db/pg-sync";
import { NodeWorker, repoPath } from "@/lib/threads/repo-worker";
import { readArchive, readRange } from "./archive";
import type { BatchBuilder } from "./plan";
import {
  type ArchiveRow,
  BatchPreparer,
  type BatchSizes,
  batchOf,
  nextBatchSize,
  type PreparedBatch,
  type PreparedLoad,
  type PrepareSetup,
  SchemaLedger,
} from "./prepare";
import type { ArchiveAt, FromThread, ThreadJob, ToThread } from "./prepare-thread";

// Where a sync's prepared batches come from, in archive order.
//
// - Normally a thread of its own (prepare-thread.ts) reads the archive through its own connection
//   (the SQLite file read-only, or a PostgreSQL client), flattens, plans and encodes the batches
//   ahead while this thread loads the previous ones: the JavaScript a batch costs (most of a load's
//   CPU) runs on another core, and this thread's event loop stays free to answer the warehouse at
//   once and to serve requests.
// - Otherwise (an in-memory database, threads switched off, or a thread that could not start) the
//   batches are prepared here, one ahead of the load, giving the event loop back every 100
//   messages.

export interface BatchSource {
  /** The next batch, or null at the end of the archive. */
  next(): Promise<PreparedBatch | null>;
  close(): Promise<void>;
}

export interface SourceOptions {
  db: Pick<Database.Database, "prepare">;
  setup: PrepareSetup;
  sourceIds: string[];
  after: number;
  batchSizes: BatchSizes;
  /** Wall-clock time as the sync sees it (uuid_ts). */
  now: () => number;
  stopped?: () => boolean;
  /** Preparing threads (default: two, one on a single core). */
  threads?: number;
}

/** Where a second connection can read the archive behind `db` (not an in-memory database). */
function archiveOf(db: unknown): ArchiveAt | null {
  const d = db as { name?: unknown; memory?: unknown };
  if (typeof d.name !== "string" || d.memory !== false || d.name === "") return null;
  // PostgreSQL's blocking connection is named by its connection string.
  return isPg(db) ? { kind: "postgresql", url: d.name } : { kind: "sqlite", file: d.name };
}

export function batchSource(opts: SourceOptions & { thread: boolean }): BatchSource {
  const archive = opts.thread ? archiveOf(opts.db) : null;
  return archive ? new ThreadBatches(opts, archive) : new InlineBatches(opts);
}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Messages per read when batches are prepared on the event loop. */
const READ_PART = 2_000;

/** Flattens, plans and encodes rows here, giving the event loop back every 100 messages and table. */
async function prepareHere(preparer: BatchPreparer, rows: ArchiveRow[], loadedAt: string) {
  const builders = new Map<string, BatchBuilder>();
  for (let from = 0; from < rows.length; from += 100) {
    preparer.flatten(rows, from, Math.min(rows.length, from + 100), builders, loadedAt);
    await yieldTurn();
  }
  const loads: PreparedLoad[] = [];
  for (const [schema, builder] of builders)
    for (const load of preparer.plan(schema, builder)) {
      loads.push(load);
      await yieldTurn();
    }
  return loads;
}

class InlineBatches implements BatchSource {
  private readonly preparer: BatchPreparer;
  private after: number;
  private ended = false;
  private sent = 0;
  private read = 0;

  constructor(private readonly opts: SourceOptions) {
    this.preparer = new BatchPreparer(opts.setup);
    this.after = opts.after;
  }

  async next(): Promise<PreparedBatch | null> {
    const { opts } = this;
    if (this.ended || opts.stopped?.()) return null;
    const size = nextBatchSize(opts.batchSizes, this.sent++, this.read);
    // Small reads, and the event loop given back every 100 messages flattened and every table
    // encoded, so the load in progress sends its next statement soon.
    const rows: ArchiveRow[] = [];
    for (let after = this.after; rows.length < size; ) {
      const want = Math.min(READ_PART, size - rows.length);
      const part = readArchive(opts.db, opts.sourceIds, after, want);
      for (const r of part) rows.push(r);
      if (part.length < want) break;
      after = part[part.length - 1]!.seq;
      await yieldTurn();
    }
    if (rows.length < size) this.ended = true;
    if (!rows.length) return null;
    const loads = await prepareHere(this.preparer, rows, new Date(opts.now()).toISOString());
    const batch = batchOf(rows, loads);
    this.after = batch.last;
    this.read += batch.count;
    return batch;
  }

  async close() {}
}

/** Batches given to the threads and not yet taken by the sync. */
const AHEAD = 2;
/** Preparing threads per sync: two where the machine has the cores for them. */
const THREADS = Math.min(2, os.availableParallelism());
/** An idle thread is kept this long for the next sync (starting one costs ~0.5 s of CPU). */
const IDLE_MS = 5 * 60_000;

/** Threads between syncs, each with the timer that ends it when no sync takes it. */
const idle: { worker: WorkerType; timer: NodeJS.Timeout }[] = [];
let started = 0;

/**
 * How many preparing threads this process started, how many wait idle, how many batches were
 * prepared again against the columns loaded before them; drain() ends the idle ones.
 */
export function threadStats() {
  return {
    started,
    idle: idle.length,
    replanned,
    async drain() {
      for (const t of idle.splice(0)) {
        clearTimeout(t.timer);
        await t.worker.terminate();
      }
    },
  };
}

function takeThread(): WorkerType {
  const kept = idle.pop();
  if (kept) {
    clearTimeout(kept.timer);
    return kept.worker;
  }
  const Worker = NodeWorker();
  const worker = new Worker(repoPath("lib", "warehouses", "prepare-worker.mjs"));
  started++;
  worker.unref();
  // A thread's failure is reported to the sync it serves (below); one that fails while idle is
  // dropped from the pool.
  worker.on("error", () => {});
  worker.on("exit", () => {
    const i = idle.findIndex((t) => t.worker === worker);
    if (i >= 0) clearTimeout(idle.splice(i, 1)[0]!.timer);
  });
  return worker;
}

function giveBack(worker: WorkerType) {
  const timer = setTimeout(() => {
    const i = idle.findIndex((t) => t.worker === worker);
    if (i >= 0) idle.splice(i, 1);
    void worker.terminate();
  }, IDLE_MS);
  timer.unref();
  idle.push({ worker, timer });
}

let jobs = 0;
let replanned = 0;

/**
 * Two threads prepare consecutive batches at once (batch i on thread i % 2): a thread says where
 * its batch ends as soon as it knows, and the other starts on the next one then. At most AHEAD
 * batches are given out and not yet taken by the sync. Batches are handed to the sync in order,
 * each checked against the ledger of the columns the loads before it added (SchemaLedger): one
 * planned against columns its thread did not know yet is prepared again here.
 */
class ThreadBatches implements BatchSource {
  private readonly workers: WorkerType[] = [];
  private readonly job = ++jobs;
  private readonly ledger: SchemaLedger;
  private readonly sizes = new Map<number, number>();
  private readonly done = new Map<number, PreparedBatch | null>();
  private failure: Error | null = null;
  private waiting: (() => void) | null = null;
  /** Batches given to the threads, and taken by the sync. */
  private assigned = 0;
  private taken = 0;
  /** Where the next batch to give out starts; null until the bounds of the one before are known. */
  private nextAfter: number | null;
  /** Messages in the batches given out so far (from their bounds). */
  private read = 0;
  /** The index of the first batch that does not exist, once a batch came out short. */
  private endAt: number | null = null;
  /** The seq the next batch to take starts after. */
  private after: number;
  private closed = false;
  private inline: InlineBatches | null = null;
  private readonly onMessage = (m: FromThread) => {
    if (m.job !== this.job) return;
    if (m.type === "bounds") {
      this.read += m.count;
      if (m.count < (this.sizes.get(m.index) ?? 0)) this.endAt = m.count ? m.index + 1 : m.index;
      else this.nextAfter = m.last;
      this.pump();
    } else if (m.type === "batch") this.done.set(m.index, m.batch && revive(m.batch));
    else this.failure = new Error(m.message);
    this.wake();
  };
  private readonly onError = (err: unknown) => {
    this.failure = new Error(`Preparing batches: ${err instanceof Error ? err.message : String(err)}`);
    this.wake();
  };
  private readonly onExit = () => {
    if (!this.finished() && !this.failure) this.failure = new Error("Preparing batches: the thread stopped");
    this.wake();
  };

  constructor(
    private readonly opts: SourceOptions,
    archive: ArchiveAt,
  ) {
    this.ledger = new SchemaLedger(opts.setup.columns);
    this.nextAfter = opts.after;
    this.after = opts.after;
    const job: ThreadJob = {
      id: this.job,
      archive,
      setup: opts.setup,
      sourceIds: opts.sourceIds,
      clockOffset: opts.now() - Date.now(),
    };
    for (let i = 0; i < (opts.threads ?? THREADS); i++) {
      const worker = takeThread();
      worker.on("message", this.onMessage);
      worker.on("error", this.onError);
      worker.on("exit", this.onExit);
      worker.postMessage({ type: "job", job } satisfies ToThread);
      this.workers.push(worker);
    }
    this.pump();
  }

  /** Gives out the next batch while its start is known and fewer than AHEAD are out. */
  private pump() {
    while (this.nextAfter !== null && this.endAt === null && this.assigned - this.taken < AHEAD) {
      const index = this.assigned++;
      const size = nextBatchSize(this.opts.batchSizes, index, this.read);
      this.sizes.set(index, size);
      const worker = this.workers[index % this.workers.length]!;
      worker.postMessage({ type: "batch", index, after: this.nextAfter, size } satisfies ToThread);
      this.nextAfter = null;
    }
  }

  private finished() {
    return this.endAt !== null && this.taken >= this.endAt;
  }

  private wake() {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  async next(): Promise<PreparedBatch | null> {
    if (this.inline) return this.inline.next();
    for (;;) {
      if (this.opts.stopped?.() || this.finished()) return null;
      if (this.done.has(this.taken)) {
        const batch = this.done.get(this.taken)!;
        this.done.delete(this.taken);
        if (!batch) {
          this.endAt = this.taken;
          return null;
        }
        this.taken++;
        this.pump();
        return this.checked(batch);
      }
      if (this.failure && !this.taken) {
        // A thread could not start or open the archive (a read-only directory, say): this sync
        // prepares its batches here instead.
        console.warn(
          `[switchyard] warehouse sync: ${this.failure.message}; preparing batches on the main thread`,
        );
        await this.close();
        this.inline = new InlineBatches(this.opts);
        return this.inline.next();
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }

  /** The batch as prepared, or prepared again here against the ledger; the threads learn its columns. */
  private async checked(batch: PreparedBatch): Promise<PreparedBatch> {
    const after = this.after;
    this.after = batch.last;
    let updates = this.ledger.accept(batch);
    if (!updates) {
      replanned++;
      const preparer = new BatchPreparer({ ...this.opts.setup, columns: this.ledger.setup() });
      const rows = readRange(this.opts.db, this.opts.sourceIds, after, batch.last);
      // (Rows pruned from the archive meanwhile are not loaded: the batch still ends where it did.)
      const loads = await prepareHere(preparer, rows, new Date(this.opts.now()).toISOString());
      const again = rows.length ? batchOf(rows, loads) : { ...batch, loads };
      again.last = batch.last;
      updates = this.ledger.accept(again);
      if (!updates)
        throw new Error(
          "Preparing batches: a batch planned against the warehouse's columns disagrees with them",
        );
      batch = again;
    }
    if (updates.length)
      for (const w of this.workers) w.postMessage({ type: "columns", updates } satisfies ToThread);
    return batch;
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    // A thread whose batches were all taken serves the next sync; one stopped midway is ended.
    const clean = this.finished() && !this.failure && [...this.done.values()].every((b) => b === null);
    for (const worker of this.workers) {
      worker.off("message", this.onMessage);
      worker.off("error", this.onError);
      worker.off("exit", this.onExit);
      if (clean) giveBack(worker);
      else await worker.terminate();
    }
  }
}

/** Transferred rows arrive as plain Uint8Arrays: Buffers again, over the same memory. */
function revive(batch: PreparedBatch): PreparedBatch {
  for (const l of batch.loads) l.copy = l.copy.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength));
  return batch;
}
