import type Database from "better-sqlite3";
import { isPg, type PgSyncDatabase } from "@/lib/db/pg-sync";

// Singleton work across an installation (routing, retention pruning, rollup compaction, health
// evaluation): on PostgreSQL a session-level advisory lock on the process's lease session
// (PgSyncDatabase.sessionPool, one connection). Exactly one process holds it; when that process
// dies its session closes, the lock is released, and the next process that asks takes the work
// over. On SQLite there is one installation per file and the lease is always held.
//
// The check runs off the event loop: held() answers at once with the last answer and, when that
// is older than CHECK_MS, asks again in the background. A process that is delivering never waits
// for it, not even when the database stops answering (the check then fails after
// PG_BLOCKING_TIMEOUT_MS and the lease counts as lost).

const NAMESPACE = 7201;
const CHECK_MS = 2000;

/** Stable 31-bit key for a lease name. */
export function leaseKey(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h & 0x7fffffff;
}

export interface Lease {
  /** The last answer (false until the first check answers); re-checked in the background every 2 s. */
  held(): boolean;
  /** Asks now (acquiring the lease when free). */
  check(): Promise<boolean>;
  /** Gives the lease up (another process may take it at its next check). */
  release(): Promise<void>;
}

export interface LeaseOptions {
  now?: () => number;
  /** Called when a check finds the lease newly held (for example to start the work at once). */
  onAcquired?: () => void;
}

// The check also notices a lock lost with a reconnected session.
const CHECK = `SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
  AND classid = $1 AND objid = $2 AND objsubid = 2 AND granted) THEN true ELSE pg_try_advisory_lock($3, $4) END AS "held"`;

export function singletonLease(db: Database.Database, name: string, opts: LeaseOptions = {}): Lease {
  if (!isPg(db)) return { held: () => true, check: async () => true, release: async () => {} };
  const session = (db as unknown as PgSyncDatabase).sessionPool();
  const now = opts.now ?? Date.now;
  const key = leaseKey(name);
  let holding = false;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let checking: Promise<boolean> | null = null;
  // Set by release(): a check answered after it does not start the work (release then unlocks).
  let released = false;

  const check = (): Promise<boolean> => {
    if (checking) return checking;
    checkedAt = now();
    released = false;
    const tracked = session
      .query(CHECK, [NAMESPACE, key, NAMESPACE, key])
      .then(
        (r) => Boolean((r.rows[0] as { held: boolean }).held),
        (err: Error) => {
          // The session is dropped with its locks (pg-pool drops a failed client).
          console.error(`[switchyard] lease ${name}: check failed:`, err.message);
          return false;
        },
      )
      .then((held) => {
        const acquired = held && !holding;
        holding = held;
        if (acquired && !released) opts.onAcquired?.();
        return held;
      })
      .finally(() => {
        if (checking === tracked) checking = null;
      });
    checking = tracked;
    return tracked;
  };
  void check();

  return {
    held() {
      if (now() - checkedAt >= CHECK_MS) void check();
      return holding;
    },
    check,
    async release() {
      released = true;
      await checking?.catch(() => {});
      if (!holding) return;
      holding = false;
      await session.query("SELECT pg_advisory_unlock($1, $2)", [NAMESPACE, key]).catch(() => {});
    },
  };
}
