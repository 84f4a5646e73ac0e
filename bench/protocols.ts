import fs from "node:fs";
import os from "node:os";
import { batchBody, singleBody } from "@/bench/lib/payloads";
import { type LoadResult, load, median, startServer } from "@/bench/lib/run";
import { openPgPool } from "@/lib/db/pg";
import { insertPgSource } from "@/lib/db/pg-fixtures";
import { migratePg } from "@/lib/db/pg-migrate";
import { createTestDatabase, type TestDatabase } from "@/lib/db/pg-testing";
import {
  basicAuth,
  insertSource,
  openMigrated,
  removeDbFile,
  tempDbFile,
} from "@/lib/ingest/testing/fixtures";

// What Protocols cost at ingest, in one run, against the same ingest without them:
//   npm run bench:protocols
//   env: BENCH_DURATION=5 (s per run)  BENCH_ROUNDS=3  BENCH_CONNECTIONS=50  BENCH_BATCH=100
// Three ingest servers, each on its own database file, take turns (round-robin, the first one
// rotating each round, so drift hits all alike); each figure is the median of its rounds:
//   baseline  Source Schema tracking off, no plan
//   schema    Source Schema tracking on (the default)
//   plan      tracking on, and a connected 50-event tracking plan with enforcement on (unplanned
//             events blocked, invalid properties omitted); the payload's event is planned, with a
//             schema for each of its properties (types, an enum and an RE2 pattern).
// Besides throughput it reports each server's CPU time (all its threads) per 1,000 acknowledged
// events and the "capacity ratio" baseline CPU / variant CPU: on a busy shared machine throughput
// follows what else runs, CPU per event much less.
// Targets (issue 18): schema >= 0.9x baseline, plan >= 0.8x baseline.
// BENCH_DATABASE=postgresql: the same on PostgreSQL (TEST_PG_URL; a database per server, dropped
// after). The aggregates' upserts then run in the database server, whose CPU is not in the figure:
// read the throughput ratio there.

const duration = Number(process.env.BENCH_DURATION ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const batchSize = Number(process.env.BENCH_BATCH ?? 100);

function planRules() {
  const events = Array.from({ length: 49 }, (_, i) => ({
    type: "track",
    name: `Planned Event ${i}`,
    schema: { type: "object", properties: { id: { type: "string" }, value: { type: "number" } } },
  }));
  events.push({
    type: "track",
    name: "Order Completed",
    schema: {
      type: "object",
      required: ["orderId", "total"],
      properties: {
        orderId: { type: "string", pattern: "^ord_[0-9]+$" },
        total: { type: "number", minimum: 0 },
        currency: { type: "string", enum: ["EUR", "USD", "GBP"] },
        coupon: { type: "string" },
        products: { type: "integer" },
      },
    } as never,
  });
  return { events };
}

const variants = ["baseline", "schema", "plan"] as const;
type Variant = (typeof variants)[number];
const postgres = process.env.BENCH_DATABASE === "postgresql";
const setups: {
  name: Variant;
  file: string;
  source: { id: string; workspaceId: string; writeKey: string };
  pg?: TestDatabase;
}[] = [];
for (const name of variants) {
  const planConfig = JSON.stringify({ trackUnplanned: "block", trackInvalid: "omit" });
  const now = new Date().toISOString();
  if (postgres) {
    const pg = await createTestDatabase("switchyard_bench_protocols");
    const pool = openPgPool(pg.url, 2);
    await migratePg(pool);
    const source = await insertPgSource(pool);
    if (name === "plan") {
      await pool.query(
        `INSERT INTO "TrackingPlan" ("id", "workspaceId", "name", "rules", "version", "createdAt", "updatedAt") VALUES ('bench', $1, 'bench', $2, 1, $3, $3)`,
        [source.workspaceId, JSON.stringify(planRules()), now],
      );
      await pool.query(
        `UPDATE "Source" SET "trackingPlanId" = 'bench', "schemaConfig" = $1 WHERE "id" = $2`,
        [planConfig, source.id],
      );
    }
    await pool.end();
    setups.push({ name, file: pg.url, source, pg });
    continue;
  }
  const file = tempDbFile("switchyard-bench-protocols-");
  const db = openMigrated(file);
  const source = insertSource(db);
  if (name === "plan") {
    db.prepare(
      `INSERT INTO "TrackingPlan" ("id", "workspaceId", "name", "rules", "version", "createdAt", "updatedAt") VALUES ('bench', ?, 'bench', ?, 1, ?, ?)`,
    ).run(source.workspaceId, JSON.stringify(planRules()), now, now);
    db.prepare(`UPDATE "Source" SET "trackingPlanId" = 'bench', "schemaConfig" = ? WHERE "id" = ?`).run(
      planConfig,
      source.id,
    );
  }
  db.close();
  setups.push({ name, file, source });
}

const servers = await Promise.all(
  setups.map((s) =>
    startServer("lib/ingest/testing/serve.ts", [s.file], {
      INGEST_SCHEMA_TRACKING: s.name === "baseline" ? "off" : "on",
    }),
  ),
);

const endpoints = (writeKey: string) => [
  { name: "/v1/track", path: "/v1/track", body: singleBody(writeKey), perRequest: 1 },
  {
    name: `/v1/batch (${batchSize})`,
    path: "/v1/batch",
    body: batchBody(writeKey, batchSize),
    perRequest: batchSize,
  },
];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * CPU time (all threads, user + system, ms) a server process has used: on a shared machine its
 * CPU per event is steadier than its throughput, which depends on what else runs. Linux only.
 */
function cpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, at 100 ticks per second
  } catch {
    return Number.NaN;
  }
}

console.log(
  `node ${process.version}, ${os.cpus().length} CPUs; ${rounds} round-robin rounds × ${duration} s, ${connections} connections`,
);
// Warm-up: JIT, page cache, the plan's compilation.
for (let v = 0; v < variants.length; v++) {
  for (const e of endpoints(setups[v]!.source.writeKey)) {
    const headers = {
      "content-type": "application/json",
      authorization: basicAuth(setups[v]!.source.writeKey),
    };
    await load({ url: servers[v]!.url + e.path, body: e.body, headers, connections, duration: 2 });
  }
}

for (let e = 0; e < 2; e++) {
  const runs: Record<Variant, LoadResult[]> = { baseline: [], schema: [], plan: [] };
  const cpu: Record<Variant, number[]> = { baseline: [], schema: [], plan: [] };
  let perRequest = 1;
  let name = "";
  for (let r = 0; r < rounds; r++) {
    // The starting variant rotates each round, so none always runs first (or right after another).
    for (let k = 0; k < variants.length; k++) {
      const v = (k + r) % variants.length;
      const key = setups[v]!.source.writeKey;
      const endpoint = endpoints(key)[e]!;
      perRequest = endpoint.perRequest;
      name = endpoint.name;
      const headers = { "content-type": "application/json", authorization: basicAuth(key) };
      const pid = servers[v]!.child.pid!;
      const cpuBefore = cpuMs(pid);
      const result = await load({
        url: servers[v]!.url + endpoint.path,
        body: endpoint.body,
        headers,
        connections,
        duration,
      });
      cpu[variants[v]!].push(
        ((cpuMs(pid) - cpuBefore) * 1000) / ((result.total - result.non2xx) * perRequest),
      );
      if (result.errors || result.non2xx)
        console.warn(`  ${variants[v]}: ${result.errors} errors, ${result.non2xx} non-2xx`);
      runs[variants[v]!].push(result);
    }
  }
  const rate = (v: Variant) => median(runs[v].map((x) => x.requestsPerSec)) * perRequest;
  const base = rate("baseline");
  const cpuPer = (v: Variant) => median(cpu[v]);
  console.log(`\n${name} (median of ${rounds}):`);
  for (const v of variants) {
    const p99 = median(runs[v].map((x) => x.p99));
    console.log(
      `  ${v.padEnd(9)} ${fmt(rate(v)).padStart(8)} events/s  ratio ${(rate(v) / base).toFixed(2)}  p99 ${p99} ms` +
        `  | CPU ${cpuPer(v).toFixed(1)} ms per 1,000 events, capacity ratio ${(cpuPer("baseline") / cpuPer(v)).toFixed(2)}`,
    );
  }
}

await Promise.all(servers.map((s) => s.stop()));
for (const s of setups) {
  if (s.pg) await s.pg.drop();
  else removeDbFile(s.file);
}
