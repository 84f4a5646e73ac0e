import type Database from "better-sqlite3";
import { openSqlite } from "@/lib/db/sqlite";
import {
  type Checkpointer,
  configureWriter,
  startCheckpointer,
  walValve,
  walWritten,
} from "@/lib/ingest/checkpointer";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { SqliteArchiveStore } from "@/lib/ingest/sqlite-store";
import type { ArchiveStore } from "@/lib/ingest/store";
import { WorkerArchiveStore } from "@/lib/ingest/worker-store";

// Chooses and owns the archive's write path for one ingest:
// - "thread" (default): group commits on a writer thread with its own connection
//   (worker-store.ts), so neither the inserts nor the WAL's fdatasync hold the event loop,
//   which also serves the console; the thread commits the next group while the previous one's
//   fdatasync runs. Inline, every fsync holds the event loop (half-load p99 61 ms vs 8 ms).
// - "inline": group commits on the event loop, on a connection of its own (it runs with
//   wal_autocheckpoint = 0; the caller's shared connection keeps its settings).
// Both answer only after the WAL is on disk (inline: synchronous=FULL; thread: its own
// fdatasync after each commit) and leave WAL checkpoints to a background thread.
// A caller-supplied store is used as is; an in-memory database gets no extra connection.

export type WriterMode = "inline" | "thread";

// ~20 ms of inserts on a small machine: longer stalls would show in every request's latency.
const INLINE_MAX_ROWS = 2500;

export interface Archive {
  store: ArchiveStore;
  /** Rows per transaction; inline, this bounds how long one commit holds the event loop. */
  maxRowsPerCommit: number;
  /** Commits run off the event loop. */
  asyncStore: boolean;
  /**
   * Groups handed to the store before the first is durable. The writer thread commits the next
   * group while the previous one's fdatasync runs, so it takes two.
   */
  maxInFlight: number;
  close(): Promise<void>;
}

export function openArchive(
  db: Database.Database,
  opts: {
    writer?: WriterMode;
    store?: ArchiveStore;
    testCommitDelayMs?: number;
    schemaFlushMs?: number;
  } = {},
): Archive {
  const inline = {
    maxRowsPerCommit: INLINE_MAX_ROWS,
    asyncStore: false,
    maxInFlight: 1,
    close: async () => {},
  };
  if (opts.store instanceof PgArchiveStore) {
    // Commits run on PostgreSQL's side: the next group gathers while one commits.
    const store = opts.store;
    return {
      ...inline,
      store,
      maxRowsPerCommit: 5000,
      asyncStore: true,
      maxInFlight: 2,
      close: () => store.flushSchema(),
    };
  }
  if (opts.store) return { ...inline, store: opts.store };
  const delay = opts.testCommitDelayMs ?? 0;
  if (db.memory) return { ...inline, store: delayed(new SqliteArchiveStore(db), delay) };

  const checkpointer: Checkpointer = startCheckpointer(db.name);
  if (opts.writer !== "inline") {
    const store = new WorkerArchiveStore(db, {
      commitDelayMs: delay,
      schemaFlushMs: opts.schemaFlushMs,
      caughtUp: checkpointer.caughtUp,
      checkpoints: checkpointer,
    });
    return {
      store,
      maxRowsPerCommit: 10_000,
      asyncStore: true,
      maxInFlight: 2,
      async close() {
        await store.close();
        await checkpointer.stop();
      },
    };
  }
  const own = openSqlite(db.name);
  configureWriter(own);
  return {
    ...inline,
    store: withValve(
      delayed(new SqliteArchiveStore(own), delay),
      walValve(own, checkpointer.caughtUp),
      checkpointer,
    ),
    async close() {
      await checkpointer.stop();
      own.close();
    },
  };
}

/**
 * Counts each group's payload towards the next checkpoint, and runs the WAL valve in the next
 * turn, after the group's answers have gone out.
 */
function withValve(store: ArchiveStore, valve: () => void, checkpointer: Checkpointer): ArchiveStore {
  const append = store.append.bind(store);
  store.append = (batch) => {
    const result = append(batch);
    let bytes = 0;
    for (const m of batch) bytes += m.payload.length;
    walWritten(checkpointer.written, bytes, checkpointer.thresholdBytes);
    setImmediate(valve);
    return result;
  };
  return store;
}

/** Tests only: holds every append back, so an acknowledgement sent before the commit shows. */
function delayed(store: ArchiveStore, ms: number): ArchiveStore {
  if (ms <= 0) return store;
  const append = store.append.bind(store);
  store.append = (batch) => new Promise((resolve) => setTimeout(resolve, ms)).then(() => append(batch));
  return store;
}
