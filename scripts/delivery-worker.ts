// The delivery engine (and warehouse syncs) as its own process (instead of inside scripts/server.ts):
//   npx tsx scripts/delivery-worker.ts
// Same configuration as the server (DATABASE_URL, ENCRYPTION_KEY or DATA_DIR, DELIVERY_*). Run
// only one delivery engine per database: either this or the one inside the server.
// Prints {"ready":true,"pid":N} once routing has started; SIGTERM/SIGINT stop it gracefully.
import { migrate } from "@/lib/db/migrate";
import { sqlite } from "@/lib/db/sqlite";
import { startDelivery } from "@/lib/delivery/runner";
import { EnvError, env } from "@/lib/env";
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

const db = sqlite();
migrate(db);
const runner = startDelivery({ db });
// Warehouse syncs run wherever the delivery engine runs.
const warehouses = startWarehouseScheduler({
  db,
  encryptionKey: () => env().ENCRYPTION_KEY,
  allowPrivate: () => env().ALLOW_PRIVATE_DESTINATIONS,
});
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await runner.stop();
  await warehouses.stop();
  db.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
