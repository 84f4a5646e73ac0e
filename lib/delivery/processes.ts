import type Database from "better-sqlite3";
import { andThen, type Maybe, readerFor } from "@/lib/db/off-loop";
import { isPg, type PgSyncDatabase } from "@/lib/db/pg-sync";

// DELIVERY_CONCURRENCY is per destination for the whole installation, however many processes
// deliver. On PostgreSQL each delivering process labels its connection (application_name) and
// counts the labelled connections of its database: a killed process's connection ends with it,
// so the count needs no heartbeat table. Each process then allows floor(concurrency / processes)
// requests in flight per destination (at least 1), re-counted every configRefreshMs. SQLite has one
// delivering process.

export const DELIVERY_APPLICATION = "switchyard-delivery";

const COUNT = `SELECT COUNT(*) AS "n" FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?`;

/** Labels this process's connection as delivering and counts them all (at start: on that connection). */
export function countDeliveryProcesses(db: Database.Database): number {
  if (!isPg(db)) return 1;
  (db as unknown as PgSyncDatabase).send(`SET application_name = '${DELIVERY_APPLICATION}'`);
  return Math.max(1, Number((db.prepare(COUNT).get(DELIVERY_APPLICATION) as { n: number }).n));
}

/**
 * The same every second, the count read off the event loop on PostgreSQL (on the asynchronous
 * pool, so it sees the label the start set; sent again in case the connection was replaced).
 */
export function readDeliveryProcesses(db: Database.Database): Maybe<number> {
  if (!isPg(db)) return 1;
  (db as unknown as PgSyncDatabase).send(`SET application_name = '${DELIVERY_APPLICATION}'`);
  return andThen(readerFor(db).get<{ n: number }>(COUNT, [DELIVERY_APPLICATION]), (r) =>
    Math.max(1, Number(r?.n ?? 1)),
  );
}

/** This process stops delivering: its connection no longer counts. */
export function leaveDelivery(db: Database.Database): void {
  if (isPg(db)) (db as unknown as PgSyncDatabase).send(`SET application_name = 'switchyard'`);
}

/** Requests in flight per destination this process may have. */
export function concurrencyShare(concurrency: number, processes: number): number {
  return Math.max(1, Math.floor(concurrency / Math.max(1, processes)));
}
