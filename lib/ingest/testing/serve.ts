import http from "node:http";
import type { AddressInfo } from "node:net";
import { dialectOf } from "@/lib/db/dialect";
import { openPgPool } from "@/lib/db/pg";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { openSqlite } from "@/lib/db/sqlite";
import { createIngest } from "@/lib/ingest/http";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { createPgWriteKeyResolver } from "@/lib/ingest/writekeys";

// Standalone ingest server for the crash-durability test and the benchmark:
//   node --import tsx lib/ingest/testing/serve.ts <db-file | postgresql://…> [port] [rateLimitPerSecond]
// The database must already be migrated and hold the sources. Prints {"port":N} when ready.
// INGEST_WRITER=inline commits on the event loop instead of the writer thread;
// INGEST_TEST_COMMIT_DELAY_MS holds every commit back (durability test);
// INGEST_SCHEMA_TRACKING=off turns the Source Schema off (bench:protocols' baseline);
// INGEST_PRIVACY=off turns privacy (detection, suppression, blocking) off; INGEST_PRIVACY_SCANS
// sets how many messages per second per workspace detection may look at (bench:privacy).

const [file, portArg, rateArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: serve.ts <db-file> [port] [rateLimitPerSecond]");
  process.exit(2);
}

// PostgreSQL: the same store, resolver and commit announcements as scripts/server.ts.
const postgres = dialectOf(file) === "postgresql";
const pool = postgres ? openPgPool(file, 10) : null;
const db = postgres ? new PgSyncDatabase(file).asDatabase() : openSqlite(file);
const ingest = createIngest({
  db,
  ...(pool
    ? { store: new PgArchiveStore(pool, { notify: true }), resolver: createPgWriteKeyResolver(pool) }
    : {}),
  publicUrl: "http://localhost:3000",
  rateLimitPerSecond: Number(rateArg ?? 0),
  writer: process.env.INGEST_WRITER === "inline" ? "inline" : "thread",
  commitWindowMs: Number(process.env.INGEST_COMMIT_WINDOW_MS ?? 0),
  testCommitDelayMs: Number(process.env.INGEST_TEST_COMMIT_DELAY_MS ?? 0),
  privacy:
    process.env.INGEST_PRIVACY === "off"
      ? false
      : { scansPerSecond: Number(process.env.INGEST_PRIVACY_SCANS ?? 50) },
  schemaTracking: process.env.INGEST_SCHEMA_TRACKING !== "off",
});
const server = http.createServer((req, res) => {
  if (ingest.matches(req.url)) return ingest.handle(req, res);
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(Number(portArg ?? 0), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});

process.on("SIGTERM", async () => {
  server.close();
  await ingest.close();
  db.close();
  await pool?.end();
  process.exit(0);
});
