import os from "node:os";
import { singleBody } from "@/bench/lib/payloads";
import { type LoadResult, load, median, startServer } from "@/bench/lib/run";
import { openPgPool } from "@/lib/db/pg";
import { insertPgSource } from "@/lib/db/pg-fixtures";
import { migratePg } from "@/lib/db/pg-migrate";
import { createTestDatabase } from "@/lib/db/pg-testing";
import { basicAuth } from "@/lib/ingest/testing/fixtures";

// Many workspaces on one PostgreSQL ingest (npm run bench:settings-pg):
//   env: BENCH_SOURCES=500  BENCH_DURATION=6  BENCH_ROUNDS=3  BENCH_CONNECTIONS=50  TEST_PG_URL=…
// Every workspace's privacy settings and every source's Protocols are cached for one second, so
// an ingest taking traffic for N sources in N workspaces re-reads ~N sets of settings a second.
// The bench sends /v1/track (a) with one write key and (b) rotating over N write keys (each
// source in its own workspace, with a suppressed user and a schema event filter so the reads
// return rows), alternating rounds, and prints (b) against (a) in the same run: throughput ratio
// and p99. Settings read through the blocking connection stop the event loop for every read;
// read on the asynchronous pool they do not (lib/db/off-loop.ts).

const sources = Number(process.env.BENCH_SOURCES ?? 500);
const duration = Number(process.env.BENCH_DURATION ?? 6);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const pgDb = await createTestDatabase("switchyard_bench");
const pool = openPgPool(pgDb.url, 4);
await migratePg(pool);
const keys: string[] = [];
for (let i = 0; i < sources; i++) {
  const s = await insertPgSource(pool);
  keys.push(s.writeKey);
  await pool.query(
    `INSERT INTO "PrivacySuppression" ("workspaceId", "userId", "createdBy", "createdAt") VALUES ($1, 'someone-else', 'bench', 0)`,
    [s.workspaceId],
  );
  await pool.query(
    `INSERT INTO "SchemaEventFilter" ("id", "workspaceId", "sourceId", "kind", "name", "action", "updatedAt")
     VALUES ($1, $2, $3, 'track', 'Debug Ping', 'block', now())`,
    [`f_${s.id}`, s.workspaceId, s.id],
  );
}
const server = await startServer("lib/ingest/testing/serve.ts", [pgDb.url]);
const url = `${server.url}/v1/track`;
const body = singleBody(keys[0]!);
const header = (key: string) => ({ "content-type": "application/json", authorization: basicAuth(key) });
const one = { url, body, headers: header(keys[0]!), connections, duration };
const many = { ...one, rotate: keys.map(header) };

console.log(
  `node ${process.version}, ${os.cpus().length} CPUs; ${sources} sources in ${sources} workspaces; ${rounds} rounds × ${duration} s, -c ${connections}`,
);
await load({ ...one, duration: 2 });
await load({ ...many, duration: 2 });
const runs: { one: LoadResult[]; many: LoadResult[] } = { one: [], many: [] };
for (let r = 0; r < rounds; r++) {
  runs.one.push(await load(one));
  runs.many.push(await load(many));
}
const rate = (xs: LoadResult[]) => median(xs.map((x) => x.requestsPerSec));
const p99 = (xs: LoadResult[]) => median(xs.map((x) => x.p99));
const errors = [...runs.one, ...runs.many].reduce((n, x) => n + x.errors + x.non2xx, 0);
console.log(`one write key:        ${fmt(rate(runs.one))} events/s, p99 ${p99(runs.one)} ms`);
console.log(`${sources} write keys:     ${fmt(rate(runs.many))} events/s, p99 ${p99(runs.many)} ms`);
console.log(
  `ratio (${sources} keys / one key): ${(rate(runs.many) / rate(runs.one)).toFixed(2)}; errors ${errors}`,
);
await server.stop();
await pool.end();
await pgDb.drop();
