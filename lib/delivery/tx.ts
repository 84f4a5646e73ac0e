import type Database from "better-sqlite3";
import { isPg } from "@/lib/db/pg-sync";

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

export function deliveryTransaction<T>(db: Database.Database, fn: () => T): T {
  // PostgreSQL: a plain transaction (durability there is the server's, per commit).
  if (isPg(db)) return db.transaction(fn)();
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
