import { createRequire } from "node:module";
import path from "node:path";
import type { Worker as WorkerType } from "node:worker_threads";
import type Database from "better-sqlite3";
import { isPg } from "@/lib/db/pg-sync";
import { readArchive } from "./archive";
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
    const loadedAt = new Date(opts.now()).toISOString();
    const builders = new Map<string, BatchBuilder>();
    // The event loop is given back between every small read, every 100 messages flattened and
    // every table encoded, so the load in progress sends its next statement soon.
    const rows: ArchiveRow[] = [];
    for (let after = this.after; rows.length < size; ) {
      const want = Math.min(READ_PART, size - rows.length);
      const part = readArchive(opts.db, opts.sourceIds, after, want);
      for (let from = 0; from < part.length; from += 100) {
        this.preparer.flatten(part, from, Math.min(part.length, from + 100), builders, loadedAt);
        await yieldTurn();
      }
      for (const r of part) rows.push(r);
      if (part.length < want) break;
      after = part[part.length - 1]!.seq;
    }
    if (rows.length < size) this.ended = true;
    if (!rows.length) return null;
    const loads: PreparedLoad[] = [];
    for (const [schema, builder] of builders)
      for (const load of this.preparer.plan(schema, builder)) {
        loads.push(load);
        await yieldTurn();
      }
    const batch = batchOf(rows, loads);
    this.after = batch.last;
    this.read += batch.count;
    return batch;
  }

  async close() {}
}

const AHEAD = 2;
const WORKER_FILE = ["lib", "warehouses", "prepare-worker.mjs"];
const root = () => process.env.SWITCHYARD_ROOT ?? process.cwd();
/** An idle thread is kept this long for the next sync (starting one costs ~0.5 s of CPU). */
const IDLE_MS = 5 * 60_000;

// Next's bundler rewrites `new Worker(path)`; the thread runs the plain file from the repository,
// so the constructor is fetched at run time where the bundler does not look (as functions do).
let WorkerClass: typeof WorkerType | null = null;
function NodeWorker(): typeof WorkerType {
  WorkerClass ??= (
    createRequire(path.join(root(), "package.json"))("node:worker_threads") as { Worker: typeof WorkerType }
  ).Worker;
  return WorkerClass;
}

/** Threads between syncs, each with the timer that ends it when no sync takes it. */
const idle: { worker: WorkerType; timer: NodeJS.Timeout }[] = [];
let started = 0;

/** How many preparing threads this process started, how many wait idle; drain() ends the idle ones. */
export function threadStats() {
  return {
    started,
    idle: idle.length,
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
  const worker = new Worker(path.join(root(), ...WORKER_FILE));
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

class ThreadBatches implements BatchSource {
  private readonly worker: WorkerType;
  private readonly ready: PreparedBatch[] = [];
  private failure: Error | null = null;
  private waiting: (() => void) | null = null;
  private ended = false;
  private closed = false;
  private delivered = 0;
  private inline: InlineBatches | null = null;
  private readonly onMessage = (m: FromThread) => {
    if (m.type === "batch") this.ready.push(revive(m.batch));
    else if (m.type === "end") this.ended = true;
    else this.failure = new Error(m.message);
    this.wake();
  };
  private readonly onError = (err: unknown) => {
    this.failure = new Error(`Preparing batches: ${err instanceof Error ? err.message : String(err)}`);
    this.wake();
  };
  private readonly onExit = () => {
    if (!this.ended && !this.failure) this.failure = new Error("Preparing batches: the thread stopped");
    this.wake();
  };

  constructor(
    private readonly opts: SourceOptions,
    archive: ArchiveAt,
  ) {
    const job: ThreadJob = {
      archive,
      setup: opts.setup,
      sourceIds: opts.sourceIds,
      after: opts.after,
      batchSizes: opts.batchSizes,
      ahead: AHEAD,
      clockOffset: opts.now() - Date.now(),
    };
    this.worker = takeThread();
    this.worker.on("message", this.onMessage);
    this.worker.on("error", this.onError);
    this.worker.on("exit", this.onExit);
    this.worker.postMessage({ type: "job", job } satisfies ToThread);
  }

  private wake() {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  async next(): Promise<PreparedBatch | null> {
    if (this.inline) return this.inline.next();
    for (;;) {
      if (this.opts.stopped?.()) return null;
      const batch = this.ready.shift();
      if (batch) {
        this.delivered++;
        if (!this.ended) this.worker.postMessage({ type: "more" } satisfies ToThread);
        return batch;
      }
      if (this.failure && !this.delivered) {
        // The thread could not start or open the archive (a read-only directory, say): this sync
        // prepares its batches here instead.
        console.warn(
          `[switchyard] warehouse sync: ${this.failure.message}; preparing batches on the main thread`,
        );
        await this.close();
        this.inline = new InlineBatches(this.opts);
        return this.inline.next();
      }
      if (this.failure) throw this.failure;
      if (this.ended) return null;
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    this.worker.off("message", this.onMessage);
    this.worker.off("error", this.onError);
    this.worker.off("exit", this.onExit);
    // A thread that finished its job cleanly serves the next sync; one stopped midway is ended.
    if (this.ended && !this.failure && !this.ready.length) giveBack(this.worker);
    else await this.worker.terminate();
  }
}

/** Transferred rows arrive as plain Uint8Arrays: Buffers again, over the same memory. */
function revive(batch: PreparedBatch): PreparedBatch {
  for (const l of batch.loads) l.copy = l.copy.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength));
  return batch;
}
