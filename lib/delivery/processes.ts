import type Database from "better-sqlite3";
import { isPg, type PgSyncDatabase } from "@/lib/db/pg-sync";

// DELIVERY_CONCURRENCY is per destination for the whole installation, however many processes
// deliver. On PostgreSQL each delivering process labels its connection (application_name) and
// counts the labelled connections of its database: a killed process's connection ends with it,
// so the count needs no heartbeat table. Each process then allows floor(concurrency / processes)
// requests in flight per destination (at least 1), re-counted every configRefreshMs. SQLite has one
// delivering process.

export const DELIVERY_APPLICATION = "switchyard-delivery";

/** Labels this process's connection as delivering (again after a reconnect) and counts them all. */
export function countDeliveryProcesses(db: Database.Database): number {
  if (!isPg(db)) return 1;
  (db as unknown as PgSyncDatabase).send(`SET application_name = '${DELIVERY_APPLICATION}'`);
  const row = db
    .prepare(
      `SELECT COUNT(*) AS "n" FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?`,
    )
    .get(DELIVERY_APPLICATION) as { n: number };
  return Math.max(1, Number(row.n));
}

/** This process stops delivering: its connection no longer counts. */
export function leaveDelivery(db: Database.Database): void {
  if (isPg(db)) (db as unknown as PgSyncDatabase).send(`SET application_name = 'switchyard'`);
}

/** Requests in flight per destination this process may have. */
export function concurrencyShare(concurrency: number, processes: number): number {
  return Math.max(1, Math.floor(concurrency / Math.max(1, processes)));
}
