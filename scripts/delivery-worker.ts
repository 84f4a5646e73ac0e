// The delivery engine (and warehouse syncs) as its own process (instead of inside scripts/server.ts):
//   npx tsx scripts/delivery-worker.ts
// Same configuration as the server (DATABASE_URL, ENCRYPTION_KEY or DATA_DIR, DELIVERY_*).
// SQLite: run only one delivery engine per database (this or the one inside the server).
// PostgreSQL: run as many as needed; they share the queue (FOR UPDATE SKIP LOCKED leases) and
// one of them at a time routes (an advisory-lock lease, lib/db/lease.ts).
// Prints {"ready":true,"pid":N} once routing has started; SIGTERM/SIGINT stop it gracefully.
import { dialectOf } from "@/lib/db/dialect";
import { migrate } from "@/lib/db/migrate";
import { openPgPool } from "@/lib/db/pg";
import { migratePg } from "@/lib/db/pg-migrate";
import { sqlite } from "@/lib/db/sqlite";
import { loadDeliveryConfig } from "@/lib/delivery/config";
import { startDelivery } from "@/lib/delivery/runner";
import { EnvError, env } from "@/lib/env";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { createTap } from "@/lib/tap";
import { startPgTapBridge } from "@/lib/tap/pg";
import { startWarehouseScheduler } from "@/lib/warehouses/scheduler";

try {
  env();
} catch (err) {
  if (err instanceof EnvError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  throw err;
}

const url = env().DATABASE_URL;
if (dialectOf(url) === "postgresql") {
  const pool = openPgPool(url, 2);
  await migratePg(pool);
  await pool.end();
}
const db = sqlite();
if (dialectOf(url) === "sqlite") migrate(db);
// PostgreSQL: the commit notifications of every instance wake the router (the holder of the
// routing lease may be this process); nothing else is read from them here.
const runner = startDelivery({ db, tap: null });
// Warehouse syncs run wherever the delivery engine runs.
const warehouses = startWarehouseScheduler({
  db,
  encryptionKey: () => env().ENCRYPTION_KEY,
  allowPrivate: () => env().ALLOW_PRIVATE_DESTINATIONS,
});
const bridge =
  dialectOf(url) === "postgresql"
    ? startPgTapBridge({
        url,
        store: new PgArchiveStore(openPgPool(url, 1)),
        tap: createTap(),
        onCommit: () => runner.wake(),
        onJobs: (ids) => runner.jobsQueued(ids),
      })
    : null;
await bridge?.ready;
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  // Deliveries in flight get their request timeout to finish; a database that stopped answering
  // must not keep the process from exiting (what was not finished is claimed again elsewhere).
  setTimeout(() => {
    console.error("[switchyard] delivery worker: shutdown did not finish in time, exiting");
    process.exit(1);
  }, loadDeliveryConfig().timeoutMs + 10_000).unref();
  await runner.stop();
  await warehouses.stop();
  await bridge?.stop();
  db.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
