import fs from "node:fs";
import os from "node:os";
import { singleBody } from "@/bench/lib/payloads";
import { load, median, startServer } from "@/bench/lib/run";
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

// Where the CPU of a durable /v1/track request goes, SQLite vs PostgreSQL, same run:
//   npm run bench:ingest-cpu       (env: BENCH_DURATION=10  BENCH_ROUNDS=2  BENCH_CONNECTIONS=200)
// Each server takes single-event requests at capacity (closed loop; BENCH_LOADGEN=wrk recommended,
// it leaves the servers more of the machine); CPU time is read from /proc before and after for the
// ingest process (all its threads) and for PostgreSQL's processes (backends, WAL writer,
// checkpointer…), and the whole machine's busy time from /proc/stat. Printed per request, and what
// 10x RudderStack's ~1,700 events/s (issue 17) would need in cores at that cost. Linux only.

const RUDDERSTACK_EVENTS_PER_SEC = 1700;
const duration = Number(process.env.BENCH_DURATION ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 200);
const HZ = 100; // clock ticks per second (USER_HZ)

/** CPU seconds of the ingest process and of PostgreSQL's processes so far. */
function cpu(serverPid: number): { server: number; postgres: number } {
  let server = 0;
  let postgres = 0;
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // ended meanwhile
    }
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const seconds = (Number(fields[11]) + Number(fields[12])) / HZ; // utime + stime
    if (Number(pid) === serverPid) server += seconds;
    else if (name.startsWith("postgres")) postgres += seconds;
  }
  return { server, postgres };
}

/** The machine's busy and total CPU seconds so far (all cores). */
function machine(): { busy: number; total: number } {
  const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = line.reduce((a, b) => a + b, 0) / HZ;
  const idle = (line[3]! + line[4]!) / HZ; // idle + iowait
  return { busy: total - idle, total };
}

const writeKey = `wk_cpu_${Date.now()}`;
const dbFile = tempDbFile("switchyard-bench-cpu-");
insertSource(openMigrated(dbFile), { writeKey });
const pgDb = await createTestDatabase("switchyard_bench_cpu");
const pool = openPgPool(pgDb.url, 2);
await migratePg(pool);
await insertPgSource(pool, { writeKey });
const servers = {
  SQLite: await startServer("lib/ingest/testing/serve.ts", [dbFile]),
  PostgreSQL: await startServer("lib/ingest/testing/serve.ts", [pgDb.url]),
};
const headers = { "content-type": "application/json", authorization: basicAuth(writeKey) };
const body = singleBody(writeKey);

type Sample = { rate: number; server: number; postgres: number; busy: number };
const samples: Record<keyof typeof servers, Sample[]> = { SQLite: [], PostgreSQL: [] };
console.log(
  `node ${process.version}, ${os.cpus().length} CPUs, load from ${process.env.BENCH_LOADGEN === "wrk" ? "wrk" : "autocannon"}, /v1/track at ${connections} connections, ${rounds} interleaved rounds × ${duration} s`,
);
for (const s of Object.values(servers))
  await load({ url: `${s.url}/v1/track`, body, headers, connections, duration: 2 });
for (let round = 0; round < rounds; round++) {
  for (const [name, s] of Object.entries(servers) as [keyof typeof servers, (typeof servers)["SQLite"]][]) {
    const pid = s.child.pid!;
    const a = cpu(pid);
    const m = machine();
    const r = await load({ url: `${s.url}/v1/track`, body, headers, connections, duration });
    const b = cpu(pid);
    const n = machine();
    const requests = r.requestsPerSec * duration;
    samples[name].push({
      rate: r.requestsPerSec,
      server: ((b.server - a.server) / requests) * 1e6,
      postgres: name === "PostgreSQL" ? ((b.postgres - a.postgres) / requests) * 1e6 : 0,
      busy: (n.busy - m.busy) / (n.total - m.total),
    });
  }
}

const goal = 10 * RUDDERSTACK_EVENTS_PER_SEC;
console.log(
  "\n| database | requests/s | ingest process µs CPU/request | PostgreSQL µs CPU/request | machine busy | cores at 10× RudderStack (17,000/s), servers only |",
);
console.log("|---|---|---|---|---|---|");
for (const [name, list] of Object.entries(samples)) {
  const rate = median(list.map((x) => x.rate));
  const server = median(list.map((x) => x.server));
  const postgres = median(list.map((x) => x.postgres));
  const busy = median(list.map((x) => x.busy));
  const cores = ((server + postgres) * goal) / 1e6;
  console.log(
    `| ${name} | ${Math.round(rate).toLocaleString("en-US")} | ${server.toFixed(1)} | ${name === "SQLite" ? "–" : postgres.toFixed(1)} | ${Math.round(busy * 100)}% | ${cores.toFixed(2)} of ${os.cpus().length} |`,
  );
}

for (const s of Object.values(servers)) await s.stop();
await pool.end();
await pgDb.drop();
removeDbFile(dbFile);
