import type Database from "better-sqlite3";
import { loadDeliveryConfig } from "@/lib/delivery/config";

// The derived tables follow the rollups' retention (DELIVERY_ROLLUP_RETENTION_DAYS, see
// lib/delivery/retention.ts) and lose the rows of deleted destinations. Once an hour per process
// is plenty: both tables are small (one row per destination, source and hour; one per failing
// minute and error type).

const EVERY_MS = 3_600_000;
const key = Symbol.for("switchyard.metrics.prunedAt");
type G = typeof globalThis & { [key]?: WeakMap<Database.Database, number> };

export function pruneDerived(db: Database.Database, now: number, force = false): boolean {
  const g = globalThis as G;
  g[key] ??= new WeakMap();
  const last = g[key];
  if (!force && now - (last.get(db) ?? 0) < EVERY_MS) return false;
  last.set(db, now);
  const cutoff = now - loadDeliveryConfig().rollupRetentionMs;
  const gone = `NOT IN (SELECT "id" FROM "Destination")`;
  db.transaction(() => {
    db.prepare(`DELETE FROM "DeliveryRollupHour" WHERE "hour" < ?`).run(cutoff);
    db.prepare(`DELETE FROM "DeliveryErrorRollup" WHERE "minute" < ?`).run(cutoff);
    db.prepare(`DELETE FROM "DeliveryRollupHour" WHERE "destinationId" ${gone}`).run();
    db.prepare(`DELETE FROM "DeliveryErrorRollup" WHERE "destinationId" ${gone}`).run();
    db.prepare(`DELETE FROM "DeliveryRetryRollup" WHERE "minute" < ?`).run(cutoff);
    db.prepare(`DELETE FROM "DeliveryRetryRollup" WHERE "destinationId" ${gone}`).run();
    db.prepare(`DELETE FROM "DestinationDeliveryState" WHERE "destinationId" ${gone}`).run();
    db.prepare(`DELETE FROM "DeliveryReplay" WHERE "destinationId" ${gone}`).run();
  }).immediate();
  return true;
}
