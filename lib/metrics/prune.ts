import type Database from "better-sqlite3";
import type { Maybe } from "@/lib/db/off-loop";
import { perform, run, transaction, type Work } from "@/lib/db/work";
import { loadDeliveryConfig } from "@/lib/delivery/config";

// The derived tables follow the rollups' retention (DELIVERY_ROLLUP_RETENTION_DAYS, see
// lib/delivery/retention.ts) and lose the rows of deleted destinations. Once an hour per process
// is plenty: both tables are small (one row per destination, source and hour; one per failing
// minute and error type).

const EVERY_MS = 3_600_000;
const key = Symbol.for("switchyard.metrics.prunedAt");
type G = typeof globalThis & { [key]?: WeakMap<Database.Database, number> };

/** True (and remembered) when this process last pruned `db`'s derived tables an hour ago or more. */
export function pruneDue(db: Database.Database, now: number, force = false): boolean {
  const g = globalThis as G;
  g[key] ??= new WeakMap();
  const last = g[key];
  if (!force && now - (last.get(db) ?? 0) < EVERY_MS) return false;
  last.set(db, now);
  return true;
}

export function* pruneDerivedWork(now: number): Work<void> {
  const cutoff = now - loadDeliveryConfig().rollupRetentionMs;
  const gone = `NOT IN (SELECT "id" FROM "Destination")`;
  yield* transaction(
    (function* () {
      yield* run(`DELETE FROM "DeliveryRollupHour" WHERE "hour" < ?`, [cutoff]);
      yield* run(`DELETE FROM "DeliveryErrorRollup" WHERE "minute" < ?`, [cutoff]);
      yield* run(`DELETE FROM "DeliveryRollupHour" WHERE "destinationId" ${gone}`);
      yield* run(`DELETE FROM "DeliveryErrorRollup" WHERE "destinationId" ${gone}`);
      yield* run(`DELETE FROM "DeliveryRetryRollup" WHERE "minute" < ?`, [cutoff]);
      yield* run(`DELETE FROM "DeliveryRetryRollup" WHERE "destinationId" ${gone}`);
      yield* run(`DELETE FROM "DestinationDeliveryState" WHERE "destinationId" ${gone}`);
      yield* run(`DELETE FROM "DeliveryReplay" WHERE "destinationId" ${gone}`);
    })(),
  );
}

/** Prunes the derived tables when due (or when forced); true when it did. */
export function pruneDerived(db: Database.Database, now: number, force = false): Maybe<boolean> {
  if (!pruneDue(db, now, force)) return false;
  const done = perform(db, pruneDerivedWork(now));
  return done instanceof Promise ? done.then(() => true) : true;
}
