import fs from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

export { walWritten } from "@/lib/ingest/wal-written.cjs";

// WAL checkpoints for the archive's database file (see sqlite-writer.worker.cjs). The ingest's
// own connections run with wal_autocheckpoint = 0 and a background thread copies the WAL back
// into the database, so that work never happens inside a commit that requests wait for.

export const WORKER_URL = new URL("./sqlite-writer.worker.cjs", import.meta.url);
/**
 * WAL size the archive aims for. A restarted WAL is truncated back to it (so later commits
 * overwrite blocks the file already has, which makes their fsync cheaper), and past it the
 * writer completes a checkpoint itself to restart the WAL (see walValve).
 */
export const MAX_WAL_BYTES = 32 * 1024 * 1024;
/**
 * A checkpoint runs once this many payload bytes were committed since the last one, or after
 * CHECKPOINT_INTERVAL_MS, whichever comes first, so one run's work (copying pages, then an fsync
 * of the database file) stays bounded at high write rates. On the timer alone, at 28k events/s a
 * run took 5-15 ms and the requests it overlapped made the acknowledgement p99; with this trigger
 * that p99 halved (interleaved A/B in docs/benchmarks.md). Below ~10 MB/s the timer still comes
 * first: at 8,000 track calls/s, where more frequent runs had not helped, nothing changes.
 */
export const CHECKPOINT_BYTES = 1024 * 1024;
const CHECKPOINT_INTERVAL_MS = 100;

export interface ThreadOptions {
  file: string;
  busyTimeoutMs: number;
  [key: string]: unknown;
}

/** Starts one of the archive threads. They need no TypeScript loader: no tsx/vitest flags. */
export function spawnArchiveThread(role: "writer" | "checkpointer", data: ThreadOptions): Worker {
  return new Worker(WORKER_URL, {
    workerData: {
      role,
      driverPath: createRequire(import.meta.url).resolve("better-sqlite3"),
      maxWalBytes: MAX_WAL_BYTES,
      ...data,
    },
    execArgv: [],
  });
}

export interface Checkpointer {
  /**
   * Set to 1 by the checkpointer thread whenever a passive checkpoint has just caught up with
   * the WAL: the moment when finishing the job costs the writer almost nothing.
   */
  caughtUp: Int32Array;
  /** Payload bytes committed since the last checkpoint: writers add to it with `walWritten`. */
  written: Int32Array;
  /** How many bytes in `written` wake the checkpointer before its timer. */
  thresholdBytes: number;
  stop(): Promise<void>;
}

export function startCheckpointer(
  file: string,
  opts: { busyTimeoutMs?: number; intervalMs?: number; thresholdBytes?: number } = {},
): Checkpointer {
  const caughtUp = new Int32Array(new SharedArrayBuffer(4));
  const written = new Int32Array(new SharedArrayBuffer(4));
  const thresholdBytes = Math.max(1, opts.thresholdBytes ?? CHECKPOINT_BYTES);
  const thread = spawnArchiveThread("checkpointer", {
    file,
    busyTimeoutMs: opts.busyTimeoutMs ?? 10_000,
    caughtUp,
    written,
    checkpointIntervalMs: opts.intervalMs ?? CHECKPOINT_INTERVAL_MS,
    checkpointBytes: thresholdBytes,
  });
  thread.on("error", (err) => console.error("[switchyard] WAL checkpointer failed:", err));
  // Never the reason the process stays up.
  thread.unref();
  return {
    caughtUp,
    written,
    thresholdBytes,
    async stop() {
      // Let the thread close its connection; terminate it if it does not finish promptly (it
      // may be in the middle of a long checkpoint).
      const exited = new Promise<void>((resolve) => thread.once("exit", () => resolve()));
      thread.postMessage("stop");
      const timer = setTimeout(() => void thread.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Prepares a writer connection: no automatic checkpoints, bounded WAL file after restarts. */
export function configureWriter(db: Database.Database): void {
  db.pragma("wal_autocheckpoint = 0");
  db.pragma(`journal_size_limit = ${MAX_WAL_BYTES}`);
}

/**
 * Under sustained writes the background checkpoint never quite reaches the WAL's end (commits
 * keep landing while it copies), and the WAL only restarts once one has: it would grow without
 * bound. Call after each commit: once the WAL is past MAX_WAL_BYTES and the background thread
 * has just caught up, the writer copies the few frames left itself, and its next transaction
 * restarts the WAL. (Same logic in sqlite-writer.worker.cjs for the writer thread.)
 */
export function walValve(db: Database.Database, caughtUp: Int32Array): () => void {
  const walFile = `${db.name}-wal`;
  return () => {
    if (Atomics.load(caughtUp, 0) !== 1) return;
    try {
      if (fs.statSync(walFile).size <= MAX_WAL_BYTES) return;
      Atomics.store(caughtUp, 0, 0);
      db.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // No WAL file yet, or busy: next time.
    }
  };
}
