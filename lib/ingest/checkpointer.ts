import fs from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

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
      checkpointIntervalMs: CHECKPOINT_INTERVAL_MS,
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
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, busyTimeoutMs = 10_000): Checkpointer {
  const caughtUp = new Int32Array(new SharedArrayBuffer(4));
  const thread = spawnArchiveThread("checkpointer", { file, busyTimeoutMs, caughtUp });
  thread.on("error", (err) => console.error("[switchyard] WAL checkpointer failed:", err));
  // Never the reason the process stays up.
  thread.unref();
  return {
    caughtUp,
    async stop() {
      await thread.terminate();
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
