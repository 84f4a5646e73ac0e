import os from "node:os";
import { batchBody, singleBody } from "@/bench/lib/payloads";
import { type LoadResult, load, median, startServer } from "@/bench/lib/run";
import { openPgPool } from "@/lib/db/pg";
import { insertPgSource } from "@/lib/db/pg-fixtures";
import { migratePg } from "@/lib/db/pg-migrate";
import { createTestDatabase } from "@/lib/db/pg-testing";
import {
  basicAuth,
  insertSource,
  openMigrated,
  removeDbFile,
  tempDbFile,
} from "@/lib/ingest/testing/fixtures";

// The tracking API's durable ingest on PostgreSQL vs SQLite, same machine, same run, same bodies:
//   BENCH_DATABASE=postgresql npm run bench:ingest
//   env: BENCH_DURATION=6  BENCH_ROUNDS=3  BENCH_CONNECTIONS=50,200  BENCH_BATCH=100  TEST_PG_URL=…
// Both servers answer only after their commit (SQLite: WAL fdatasync on the writer thread;
// PostgreSQL: COMMIT with synchronous_commit on). Rounds alternate so drift hits both alike.
// Goals (issue 17): PostgreSQL >= 0.5x SQLite; >= 10x RudderStack's published ~1,700 events/s
// on 2 cores.

const RUDDERSTACK_EVENTS_PER_SEC = 1700;
const duration = Number(process.env.BENCH_DURATION ?? 6);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const concurrencies = (process.env.BENCH_CONNECTIONS ?? "50,200").split(",").map(Number);
const batchSize = Number(process.env.BENCH_BATCH ?? 100);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const dbFile = tempDbFile("switchyard-bench-");
const sqliteDb = openMigrated(dbFile);
const pgDb = await createTestDatabase("switchyard_bench");
const pool = openPgPool(pgDb.url, 2);
await migratePg(pool);
// One write key for both, so the bodies are byte for byte the same.
const writeKey = `wk_bench_${Date.now()}`;
insertSource(sqliteDb, { writeKey });
await insertPgSource(pool, { writeKey });

const sqlite = await startServer("lib/ingest/testing/serve.ts", [dbFile]);
const postgres = await startServer("lib/ingest/testing/serve.ts", [pgDb.url]);
const headers = { "content-type": "application/json", authorization: basicAuth(writeKey) };
const endpoints = [
  { name: "/v1/track", path: "/v1/track", body: singleBody(writeKey), perRequest: 1 },
  {
    name: `/v1/batch (${batchSize})`,
    path: "/v1/batch",
    body: batchBody(writeKey, batchSize),
    perRequest: batchSize,
  },
];

console.log(
  `node ${process.version}, ${os.cpus().length} CPUs, load from ${process.env.BENCH_LOADGEN === "wrk" ? "wrk" : "autocannon"}; PostgreSQL ${(await pool.query("SHOW server_version")).rows[0].server_version} on the same machine; ${rounds} interleaved rounds × ${duration} s`,
);
for (const e of endpoints) {
  for (const s of [sqlite, postgres])
    await load({ url: s.url + e.path, body: e.body, headers, connections: 50, duration: 2 });
}

const summary: string[] = [];
for (const e of endpoints) {
  let bestSqlite = 0;
  let bestPg = 0;
  for (const connections of concurrencies) {
    const runs: { sqlite: LoadResult[]; pg: LoadResult[] } = { sqlite: [], pg: [] };
    for (let r = 0; r < rounds; r++) {
      runs.sqlite.push(
        await load({ url: sqlite.url + e.path, body: e.body, headers, connections, duration }),
      );
      runs.pg.push(await load({ url: postgres.url + e.path, body: e.body, headers, connections, duration }));
    }
    const s = median(runs.sqlite.map((x) => x.requestsPerSec)) * e.perRequest;
    const p = median(runs.pg.map((x) => x.requestsPerSec)) * e.perRequest;
    const errors = runs.pg.reduce((n, x) => n + x.errors + x.non2xx, 0);
    bestSqlite = Math.max(bestSqlite, s);
    bestPg = Math.max(bestPg, p);
    console.log(
      `${e.name} -c ${connections}: SQLite ${fmt(s)} events/s, PostgreSQL ${fmt(p)} events/s (errors ${errors}), ratio ${(p / s).toFixed(2)}; p99 ms SQLite ${median(runs.sqlite.map((x) => x.p99))}, PostgreSQL ${median(runs.pg.map((x) => x.p99))}`,
    );
  }
  summary.push(
    `${e.name.padEnd(16)} capacity: PostgreSQL ${fmt(bestPg)} vs SQLite ${fmt(bestSqlite)} events/s = ${(bestPg / bestSqlite).toFixed(2)}x (goal >= 0.5x); vs RudderStack ~${fmt(RUDDERSTACK_EVENTS_PER_SEC)}/s = ${(bestPg / RUDDERSTACK_EVENTS_PER_SEC).toFixed(1)}x (goal >= 10x)`,
  );
}

await Promise.all([sqlite.stop(), postgres.stop()]);
const stored = (await pool.query(`SELECT COUNT(*)::int AS n FROM "Message"`)).rows[0].n as number;
console.log(`\n${summary.join("\n")}\nPostgreSQL archive holds ${fmt(stored)} messages (incl. warm-up)`);
await pool.end();
await pgDb.drop();
sqliteDb.close();
removeDbFile(dbFile);
