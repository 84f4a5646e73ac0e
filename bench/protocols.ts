import os from "node:os";
import { batchBody, singleBody } from "@/bench/lib/payloads";
import { type LoadResult, load, median, startServer } from "@/bench/lib/run";
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
// Three ingest servers, each on its own database file, take turns (round-robin, so drift hits all
// alike); each figure is the median of its rounds:
//   baseline  Source Schema tracking off, no plan
//   schema    Source Schema tracking on (the default)
//   plan      tracking on, and a connected 50-event tracking plan with enforcement on (unplanned
//             events blocked, invalid properties omitted); the payload's event is planned, with a
//             schema for each of its properties (types, an enum and an RE2 pattern).
// Targets (issue 18): schema >= 0.9x baseline, plan >= 0.8x baseline.

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
const setups = variants.map((name) => {
  const file = tempDbFile("switchyard-bench-protocols-");
  const db = openMigrated(file);
  const source = insertSource(db);
  if (name === "plan") {
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO "TrackingPlan" ("id", "workspaceId", "name", "rules", "version", "createdAt", "updatedAt") VALUES ('bench', ?, 'bench', ?, 1, ?, ?)`,
    ).run(source.workspaceId, JSON.stringify(planRules()), now, now);
    db.prepare(`UPDATE "Source" SET "trackingPlanId" = 'bench', "schemaConfig" = ? WHERE "id" = ?`).run(
      JSON.stringify({ trackUnplanned: "block", trackInvalid: "omit" }),
      source.id,
    );
  }
  db.close();
  return { name, file, source };
});

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
  let perRequest = 1;
  let name = "";
  for (let r = 0; r < rounds; r++) {
    for (let v = 0; v < variants.length; v++) {
      const key = setups[v]!.source.writeKey;
      const endpoint = endpoints(key)[e]!;
      perRequest = endpoint.perRequest;
      name = endpoint.name;
      const headers = { "content-type": "application/json", authorization: basicAuth(key) };
      const result = await load({
        url: servers[v]!.url + endpoint.path,
        body: endpoint.body,
        headers,
        connections,
        duration,
      });
      if (result.errors || result.non2xx)
        console.warn(`  ${variants[v]}: ${result.errors} errors, ${result.non2xx} non-2xx`);
      runs[variants[v]!].push(result);
    }
  }
  const rate = (v: Variant) => median(runs[v].map((x) => x.requestsPerSec)) * perRequest;
  const base = rate("baseline");
  console.log(`\n${name}, events/s (median of ${rounds}):`);
  for (const v of variants) {
    const p99 = median(runs[v].map((x) => x.p99));
    console.log(
      `  ${v.padEnd(9)} ${fmt(rate(v)).padStart(9)}  ratio ${(rate(v) / base).toFixed(2)}  p99 ${p99} ms`,
    );
  }
}

await Promise.all(servers.map((s) => s.stop()));
for (const s of setups) removeDbFile(s.file);
