import http from "node:http";
import type { AddressInfo } from "node:net";
import { openSqlite } from "@/lib/db/sqlite";
import { startDelivery } from "@/lib/delivery/runner";
import { TEST_KEY } from "@/lib/delivery/testing/fixtures";
import { createIngest } from "@/lib/ingest/http";

// The product's process as scripts/server.ts runs it, minus Next: the tracking API (ingest,
// group commit, tap) and the delivery engine in one event loop, on one SQLite file.
//   node --import tsx bench/lib/delivery-server.ts <db-file>   -> prints {"port":N}

const file = process.argv[2];
if (!file) throw new Error("usage: delivery-server.ts <db-file>");
const db = openSqlite(file);
const ingest = createIngest({ db, publicUrl: "http://localhost:3000" });
const delivery = startDelivery({ db, encryptionKey: TEST_KEY, config: { allowPrivate: true } });
const server = http.createServer((req, res) => {
  if (ingest.matches(req.url)) return ingest.handle(req, res);
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on("SIGTERM", async () => {
  server.close();
  await ingest.close();
  await delivery.stop({ graceMs: 100 });
  db.close();
  process.exit(0);
});
