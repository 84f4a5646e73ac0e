// Test helper for crash.test.ts: loads a warehouse from the given SQLite file in its own process
// and announces each committed batch, so the parent can kill -9 it at a precise moment.
//   tsx lib/warehouses/crash-child.ts <sqlite file> <encryption key> <batch size> <hold after batch N | 0>
import { openSqlite } from "@/lib/db/sqlite";
import { startWarehouseScheduler } from "@/lib/warehouses/scheduler";

const [file, key, batch, hold] = process.argv.slice(2);
const db = openSqlite(file!);
let batches = 0;
const scheduler = startWarehouseScheduler({
  db,
  encryptionKey: () => key!,
  allowPrivate: () => true,
  tickMs: 3_600_000,
  batchSize: Number(batch),
  leaseMs: 1,
  afterBatchLoaded: async () => {
    batches++;
    process.stdout.write(`committed ${batches}\n`);
    // Tables committed in the warehouse, cursor not yet moved: the worst moment to die.
    if (batches === Number(hold)) await new Promise(() => {});
  },
});
await scheduler.tick();
process.stdout.write("done\n");
await scheduler.stop();
