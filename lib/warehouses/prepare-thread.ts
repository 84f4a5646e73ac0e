import os from "node:os";
import type { MessagePort } from "node:worker_threads";
import Database from "better-sqlite3";
import pg from "pg";
import { bigintAsNumber } from "@/lib/db/pg";
import { archiveSql, iterateArchive } from "./archive";
import {
  type ArchiveRow,
  BatchPreparer,
  type BatchSizes,
  nextBatchSize,
  type PreparedBatch,
  type PrepareSetup,
} from "./prepare";

// A preparing thread of warehouse syncs (batches.ts starts it through prepare-worker.mjs and keeps
// it for the next sync). For one sync at a time it reads the archive through a connection of its
// own (SQLite read-only, or a PostgreSQL client), flattens, plans and encodes each batch, and
// hands it over with its encoded rows transferred, not copied. It keeps at most `ahead` batches
// waiting: the sync asks for one more as it takes one.

/** Where the archive is: a SQLite file, or the PostgreSQL database (its connection string). */
export type ArchiveAt = { kind: "sqlite"; file: string } | { kind: "postgresql"; url: string };

export interface ThreadJob {
  archive: ArchiveAt;
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

/** Reads one batch of the archive. */
interface ArchiveReader {
  read(sourceIds: string[], after: number, limit: number): Iterable<ArchiveRow> | Promise<ArchiveRow[]>;
  close(): Promise<void>;
}

function sqliteReader(file: string): ArchiveReader {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return {
    read: (sourceIds, after, limit) => iterateArchive(db, sourceIds, after, limit),
    async close() {
      db.close();
    },
  };
}

async function postgresReader(url: string): Promise<ArchiveReader> {
  const client = new pg.Client({
    connectionString: url,
    // bigint columns (seq, receivedAt) read as numbers, as the server's own pools read them.
    types: bigintAsNumber,
    application_name: "switchyard-warehouse",
    query_timeout: 60_000,
  });
  client.on("error", () => {});
  await client.connect();
  return {
    async read(sourceIds, after, limit) {
      let n = 0;
      const sql = archiveSql(sourceIds.length).replace(/\?/g, () => `$${++n}`);
      return (await client.query<ArchiveRow>(sql, [...sourceIds, after, limit])).rows;
    },
    close: () => client.end().catch(() => {}),
  };
}

export function runPreparer(port: MessagePort): void {
  try {
    os.setPriority(0, NICE);
  } catch {
    // not permitted here: the thread runs at the process's priority
  }
  let job: {
    input: ThreadJob;
    reader: ArchiveReader | null;
    preparer: BatchPreparer;
    credits: number;
    after: number;
    sent: number;
    read: number;
  } | null = null;
  let running = false;

  const finish = async (m: FromThread) => {
    const reader = job?.reader;
    job = null;
    await reader?.close();
    port.postMessage(m);
  };

  const run = async () => {
    if (running) return;
    running = true;
    try {
      for (;;) {
        const j = job;
        if (!j || j.credits <= 0) return;
        try {
          j.reader ??=
            j.input.archive.kind === "sqlite"
              ? sqliteReader(j.input.archive.file)
              : await postgresReader(j.input.archive.url);
          const size = nextBatchSize(j.input.batchSizes, j.sent, j.read);
          const rows = await j.reader.read(j.input.sourceIds, j.after, size);
          const loadedAt = new Date(Date.now() + j.input.clockOffset).toISOString();
          const batch = j.preparer.prepare(rows, loadedAt);
          if (!batch) {
            await finish({ type: "end" });
            continue;
          }
          j.after = batch.last;
          j.credits--;
          j.sent++;
          j.read += batch.count;
          const buffers = new Set<ArrayBuffer>();
          for (const l of batch.loads) for (const b of l.copy) buffers.add(b.buffer as ArrayBuffer);
          port.postMessage({ type: "batch", batch } satisfies FromThread, [...buffers]);
          if (batch.count < size) await finish({ type: "end" });
        } catch (err) {
          await finish({
            type: "error",
            message: `Preparing a batch: ${err instanceof Error ? err.message : String(err)}`,
          });
        }
      }
    } finally {
      running = false;
    }
  };

  port.on("message", (m: ToThread) => {
    if (m.type === "job") {
      job = {
        input: m.job,
        reader: null,
        preparer: new BatchPreparer(m.job.setup),
        credits: m.job.ahead,
        after: m.job.after,
        sent: 0,
        read: 0,
      };
    } else if (job) job.credits++;
    void run();
  });
}
