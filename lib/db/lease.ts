import type Database from "better-sqlite3";
import { isPg } from "@/lib/db/pg-sync";

// Singleton work across an installation (routing, retention pruning, rollup compaction, health
// evaluation): on PostgreSQL a session-level advisory lock on the process's own connection.
// Exactly one process holds it; when that process dies its connection closes, the lock is
// released, and the next process that asks takes the work over. On SQLite there is one
// installation per file and the lease is always held.

const NAMESPACE = 7201;
const CHECK_MS = 2000;

/** Stable 31-bit key for a lease name. */
export function leaseKey(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h & 0x7fffffff;
}

export interface Lease {
  /** Holds the lease now (acquiring it when free). Cheap: re-checked at most every 2 s. */
  held(): boolean;
  release(): void;
}

export function singletonLease(db: Database.Database, name: string, now = Date.now): Lease {
  if (!isPg(db)) return { held: () => true, release: () => {} };
  const key = leaseKey(name);
  // The check also notices a lock lost with a reconnected session.
  const check = db.prepare(
    `SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
       AND classid = ? AND objid = ? AND objsubid = 2 AND granted) THEN true ELSE pg_try_advisory_lock(?, ?) END AS "held"`,
  );
  let holding = false;
  let checkedAt = 0;
  return {
    held() {
      const t = now();
      if (t - checkedAt < CHECK_MS) return holding;
      checkedAt = t;
      try {
        holding = Boolean((check.get(NAMESPACE, key, NAMESPACE, key) as { held: boolean }).held);
      } catch {
        holding = false;
      }
      return holding;
    },
    release() {
      if (!holding) return;
      holding = false;
      try {
        db.prepare("SELECT pg_advisory_unlock(?, ?)").get(NAMESPACE, key);
      } catch {}
    },
  };
}
