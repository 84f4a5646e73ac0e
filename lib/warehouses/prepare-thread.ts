import os from "node:os";
import type { MessagePort } from "node:worker_threads";
import Database from "better-sqlite3";
import { iterateArchive } from "./archive";
import {
  BatchPreparer,
  type BatchSizes,
  nextBatchSize,
  type PreparedBatch,
  type PrepareSetup,
} from "./prepare";

// A preparing thread of warehouse syncs on SQLite (batches.ts starts it through
// prepare-worker.mjs and keeps it for the next sync). For one sync at a time it reads the archive
// through a read-only connection of its own, flattens, plans and encodes each batch, and hands it
// over with its encoded rows transferred, not copied. It keeps at most `ahead` batches waiting:
// the sync asks for one more as it takes one.

export interface ThreadJob {
  file: string;
  setup: PrepareSetup;
  sourceIds: string[];
  after: number;
  batchSizes: BatchSizes;
  ahead: number;
  /** Added to Date.now() for uuid_ts, so a sync's injected clock holds on this thread too. */
  clockOffset: number;
}

export type ToThread = { type: "job"; job: ThreadJob } | { type: "more" };

export type FromThread =
  | { type: "batch"; batch: PreparedBatch }
  | { type: "end" }
  | { type: "error"; message: string };

/**
 * The nice value of this thread: loading a warehouse is background work, and on a busy machine the
 * ingest and the console go first (on Linux a thread has a nice value of its own).
 */
const NICE = 10;

export function runPreparer(port: MessagePort): void {
  try {
    os.setPriority(0, NICE);
  } catch {
    // not permitted here: the thread runs at the process's priority
  }
  let job: {
    input: ThreadJob;
    db: Database.Database | null;
    preparer: BatchPreparer;
    credits: number;
    after: number;
    sent: number;
    read: number;
  } | null = null;

  const finish = (m: FromThread) => {
    job?.db?.close();
    job = null;
    port.postMessage(m);
  };

  const step = () => {
    const j = job;
    if (!j) return;
    try {
      j.db ??= new Database(j.input.file, { readonly: true, fileMustExist: true });
      while (j.credits > 0) {
        const size = nextBatchSize(j.input.batchSizes, j.sent, j.read);
        const loadedAt = new Date(Date.now() + j.input.clockOffset).toISOString();
        const batch = j.preparer.prepare(iterateArchive(j.db, j.input.sourceIds, j.after, size), loadedAt);
        if (!batch) return finish({ type: "end" });
        j.after = batch.last;
        j.credits--;
        j.sent++;
        j.read += batch.count;
        const buffers = new Set<ArrayBuffer>();
        for (const l of batch.loads) for (const b of l.copy) buffers.add(b.buffer as ArrayBuffer);
        port.postMessage({ type: "batch", batch } satisfies FromThread, [...buffers]);
        if (batch.count < size) return finish({ type: "end" });
      }
    } catch (err) {
      finish({
        type: "error",
        message: `Reading the archive: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  };

  port.on("message", (m: ToThread) => {
    if (m.type === "job") {
      job = {
        input: m.job,
        db: null,
        preparer: new BatchPreparer(m.job.setup),
        credits: m.job.ahead,
        after: m.job.after,
        sent: 0,
        read: 0,
      };
      step();
    } else if (job) {
      job.credits++;
      step();
    }
  });
}
