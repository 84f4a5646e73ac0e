import type Database from "better-sqlite3";
import { isPg, type PgSyncDatabase } from "@/lib/db/pg-sync";

const asPg = (db: Database.Database) => db as unknown as PgSyncDatabase;

// Delivery's own writes (routing passes, leases, results) commit with synchronous=NORMAL even
// when the connection runs FULL for the archive. They are derived from the archive: if a power
// loss drops the last of them, the router re-routes from its cursor and workers re-send with the
// same idempotency key, so nothing is lost; a killed process loses nothing either way (WAL). The
// next FULL commit (the archive's) makes them durable too, since it syncs the whole WAL. This
// keeps an fsync off the event loop for every delivery transaction.

const statements = new WeakMap<
  Database.Database,
  { read: Database.Statement; normal: Database.Statement; restore: Map<number, Database.Statement> }
>();

// PostgreSQL: a plain transaction; durability there is the server's, per commit. Callers whose
// writes are all redone if lost may ask for `asyncCommit` (`synchronous_commit = off` for the
// transaction: COMMIT returns without waiting for the WAL flush, which PostgreSQL does within
// 3 x wal_writer_delay). The recorder does: a PostgreSQL crash that loses its last commits leaves
// those jobs leased in the queue, so they are sent again (same idempotency key) once the lease
// ends, and their outcomes and rollups are written then. Routing passes do not: the router keeps
// its cursor in memory, and a lost pass would leave a gap. The archive's commits
// (lib/ingest/pg-store.ts) keep synchronous_commit on: a 2xx still means durable. `pipelined`
// sends the writes without waiting for each (lib/db/pg-sync.ts pipelinedWrites), for callers
// that never read their results.

export function deliveryTransaction<T>(
  db: Database.Database,
  fn: () => T,
  opts: { asyncCommit?: boolean; pipelined?: boolean } = {},
): T {
  if (isPg(db))
    return db.transaction(() => {
      if (opts.asyncCommit) asPg(db).send("SET LOCAL synchronous_commit = off");
      return opts.pipelined ? asPg(db).pipelinedWrites(fn) : fn();
    })();
  let s = statements.get(db);
  if (!s) {
    s = {
      read: db.prepare("PRAGMA synchronous").pluck(),
      normal: db.prepare("PRAGMA synchronous = NORMAL"),
      restore: new Map(),
    };
    statements.set(db, s);
  }
  const previous = s.read.get() as number;
  if (previous <= 1) return db.transaction(fn).immediate();
  s.normal.run();
  try {
    return db.transaction(fn).immediate();
  } finally {
    let restore = s.restore.get(previous);
    if (!restore) {
      restore = db.prepare(`PRAGMA synchronous = ${Math.floor(previous)}`);
      s.restore.set(previous, restore);
    }
    restore.run();
  }
}
