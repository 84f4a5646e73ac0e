import os from "node:os";
import type { MessagePort } from "node:worker_threads";
import Database from "better-sqlite3";
import { bigintAsNumber } from "@/lib/db/pg-types";
import { archiveBounds, type Bounds, boundsSql, rangeSql, readChunks } from "./archive";
import {
  type ArchiveRow,
  BatchPreparer,
  type ColumnUpdate,
  type PreparedBatch,
  type PrepareSetup,
} from "./prepare";

// A preparing thread of warehouse syncs (batches.ts starts two through prepare-worker.mjs and keeps
// them for the next sync). For one sync at a time it prepares the batches it is given: it finds
// where its batch ends (a count of seqs, no payload) and says so at once, so the other thread can
// start on the batch after it; then it reads the batch through a connection of its own (SQLite
// read-only, or a PostgreSQL client), flattens, plans and encodes it, and hands it over with its
// encoded rows transferred, not copied. The sync tells it the columns the other thread's batches
// added, so its later batches are planned against them (SchemaLedger in prepare.ts).

/** Where the archive is: a SQLite file, or the PostgreSQL database (its connection string). */
export type ArchiveAt = { kind: "sqlite"; file: string } | { kind: "postgresql"; url: string };

export interface ThreadJob {
  /** Tags every answer, so one left over from an earlier sync is never taken for this one's. */
  id: number;
  archive: ArchiveAt;
  setup: PrepareSetup;
  sourceIds: string[];
  /** Added to Date.now() for uuid_ts, so a sync's injected clock holds on this thread too. */
  clockOffset: number;
}

export type ToThread =
  | { type: "job"; job: ThreadJob }
  /** Prepare batch `index`: at most `size` messages after seq `after`. */
  | { type: "batch"; index: number; after: number; size: number }
  | { type: "columns"; updates: ColumnUpdate[] };

export type FromThread = { job: number } & (
  | { type: "bounds"; index: number; count: number; last: number }
  | { type: "batch"; index: number; batch: PreparedBatch | null }
  | { type: "error"; message: string }
);

/**
 * The nice value of this thread: loading a warehouse is background work, and on a busy machine the
 * ingest and the console go first (on Linux a thread has a nice value of its own).
 */
const NICE = 10;

/** Reads batches of the archive: first where one ends, then its messages. */
interface ArchiveReader {
  bounds(sourceIds: string[], after: number, limit: number): Bounds | Promise<Bounds>;
  read(sourceIds: string[], after: number, upTo: number): Iterable<ArchiveRow> | Promise<ArchiveRow[]>;
  close(): Promise<void>;
}

function sqliteReader(file: string): ArchiveReader {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return {
    bounds: (sourceIds, after, limit) => archiveBounds(db, sourceIds, after, limit),
    read: (sourceIds, after, upTo) => readChunks(db, sourceIds, after, upTo),
    async close() {
      db.close();
    },
  };
}

async function postgresReader(url: string): Promise<ArchiveReader> {
  // Loaded here, not with the thread: a SQLite archive never needs the driver (~60 ms to load).
  const { default: pg } = await import("pg");
  const client = new pg.Client({
    connectionString: url,
    // bigint columns (seq, receivedAt) read as numbers, as the server's own pools read them.
    types: bigintAsNumber(pg.types),
    application_name: "switchyard-warehouse",
    query_timeout: 60_000,
  });
  client.on("error", () => {});
  await client.connect();
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    async bounds(sourceIds, after, limit) {
      if (!sourceIds.length) return { count: 0, last: 0 };
      const r = await client.query<{ count: number; last: number | null }>(
        numbered(boundsSql(sourceIds.length)),
        [...sourceIds, after, limit],
      );
      return { count: Number(r.rows[0]?.count ?? 0), last: Number(r.rows[0]?.last ?? 0) };
    },
    async read(sourceIds, after, upTo) {
      if (!sourceIds.length) return [];
      return (
        await client.query<ArchiveRow>(numbered(rangeSql(sourceIds.length)), [...sourceIds, after, upTo])
      ).rows;
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
  let job: { input: ThreadJob; reader: ArchiveReader | null; preparer: BatchPreparer } | null = null;
  /** Batches given to this thread, in order. */
  const queue: { index: number; after: number; size: number }[] = [];
  let running = false;

  const fail = async (id: number, message: string) => {
    const reader = job?.reader;
    job = null;
    queue.length = 0;
    await reader?.close();
    port.postMessage({ job: id, type: "error", message } satisfies FromThread);
  };

  const run = async () => {
    if (running) return;
    running = true;
    try {
      for (;;) {
        const j = job;
        const task = queue.shift();
        if (!j || !task) return;
        try {
          j.reader ??=
            j.input.archive.kind === "sqlite"
              ? sqliteReader(j.input.archive.file)
              : await postgresReader(j.input.archive.url);
          const id = j.input.id;
          const bounds = await j.reader.bounds(j.input.sourceIds, task.after, task.size);
          port.postMessage({ job: id, type: "bounds", index: task.index, ...bounds } satisfies FromThread);
          if (!bounds.count) {
            port.postMessage({ job: id, type: "batch", index: task.index, batch: null } satisfies FromThread);
            continue;
          }
          const rows = await j.reader.read(j.input.sourceIds, task.after, bounds.last);
          const loadedAt = new Date(Date.now() + j.input.clockOffset).toISOString();
          const batch = j.preparer.prepare(rows, loadedAt);
          // The batch ends where the bound said (the next one starts right after it), even if the
          // messages at its end were pruned from the archive in between.
          if (batch) batch.last = bounds.last;
          const buffers = new Set<ArrayBuffer>();
          for (const l of batch?.loads ?? []) for (const b of l.copy) buffers.add(b.buffer as ArrayBuffer);
          port.postMessage({ job: id, type: "batch", index: task.index, batch } satisfies FromThread, [
            ...buffers,
          ]);
        } catch (err) {
          await fail(j.input.id, `Preparing a batch: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    } finally {
      running = false;
    }
  };

  port.on("message", (m: ToThread) => {
    if (m.type === "job") {
      // A new sync: whatever the last one left is dropped (its reader closed).
      const old = job?.reader;
      void old?.close();
      queue.length = 0;
      job = { input: m.job, reader: null, preparer: new BatchPreparer(m.job.setup) };
      return;
    }
    if (!job) return;
    if (m.type === "columns") job.preparer.learn(m.updates);
    else {
      queue.push(m);
      void run();
    }
  });
}
