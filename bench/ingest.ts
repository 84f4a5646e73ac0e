import os from "node:os";
import { type PacedResult, paced } from "@/bench/lib/paced";
import { batchBody, singleBody } from "@/bench/lib/payloads";
import { type LoadResult, load, median, startServer } from "@/bench/lib/run";
import {
  basicAuth,
  insertSource,
  openMigrated,
  removeDbFile,
  tempDbFile,
} from "@/lib/ingest/testing/fixtures";

// Tracking API ingest vs a bare node:http JSON endpoint, same machine, same run, same bodies.
//   npm run bench:ingest
//   env: BENCH_DURATION=6 (s per run)  BENCH_ROUNDS=3  BENCH_CONNECTIONS=50,200  BENCH_BATCH=100
//        BENCH_WRITER=thread|inline
//        BENCH_DATABASE=postgresql: PostgreSQL vs SQLite instead (bench/ingest-pg.ts)
// Throughput: at each concurrency, bare and product alternate for BENCH_ROUNDS rounds (the
// machine's drift hits both alike); each side is the median of its rounds. The ratio is
// reported per concurrency and at capacity (each server's best concurrency).
// Latency: evenly paced open-loop load at half the product's capacity (bench/lib/paced.ts),
// three runs alternating with the bare server at the same rate; the median p99 counts.
// Targets: /v1/track req/s >= 0.5x bare; /v1/batch events/s >= 0.5x bare; p99 <= 25 ms at half
// the maximum rate.

if (process.env.BENCH_DATABASE === "postgresql") {
  // PostgreSQL mode: the durable ingest on PostgreSQL vs SQLite in the same run.
  await import("@/bench/ingest-pg");
  process.exit(0);
}

const duration = Number(process.env.BENCH_DURATION ?? 6);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const concurrencies = (process.env.BENCH_CONNECTIONS ?? "50,200").split(",").map(Number);
const batchSize = Number(process.env.BENCH_BATCH ?? 100);
const writer = process.env.BENCH_WRITER === "inline" ? "inline" : "thread";

const dbFile = tempDbFile("switchyard-bench-");
const db = openMigrated(dbFile);
const source = insertSource(db);

const bare = await startServer("bench/lib/bare-server.ts");
const product = await startServer("lib/ingest/testing/serve.ts", [dbFile], { INGEST_WRITER: writer });
const headers = { "content-type": "application/json", authorization: basicAuth(source.writeKey) };
const endpoints = [
  { name: "/v1/track", path: "/v1/track", body: singleBody(source.writeKey), perRequest: 1 },
  {
    name: `/v1/batch (${batchSize})`,
    path: "/v1/batch",
    body: batchBody(source.writeKey, batchSize),
    perRequest: batchSize,
  },
];

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
let acknowledged = 0;

console.log(
  `node ${process.version}, ${os.cpus().length} CPUs, writer=${writer}, load from ${process.env.BENCH_LOADGEN === "wrk" ? "wrk" : "autocannon"}; track body ${Buffer.byteLength(endpoints[0]!.body)} B, ` +
    `batch body ${Buffer.byteLength(endpoints[1]!.body)} B (${batchSize} messages); ${rounds} interleaved rounds × ${duration} s per concurrency`,
);
// Warm-up: JIT, SQLite page cache, connection setup.
for (const e of endpoints) {
  for (const server of [bare, product]) {
    await load({ url: server.url + e.path, body: e.body, headers, connections: 50, duration: 2 });
  }
}

interface Capacity {
  bare: number;
  product: number;
}
const summary: string[] = [];

const pacedRow = (label: string, r: PacedResult, perRequest: number) =>
  `  ${label.padEnd(30)} ${fmt(r.achievedPerSec).padStart(7)} req/s ${fmt(r.achievedPerSec * perRequest).padStart(8)} events/s  p50 ${r.p50} ms  p99 ${r.p99} ms  max ${r.max} ms  failed ${r.failed}`;

for (const e of endpoints) {
  const best: Capacity = { bare: 0, product: 0 };
  for (const connections of concurrencies) {
    const runs: { bare: LoadResult[]; product: LoadResult[] } = { bare: [], product: [] };
    for (let r = 0; r < rounds; r++) {
      runs.bare.push(await load({ url: bare.url + e.path, body: e.body, headers, connections, duration }));
      const mine = await load({ url: product.url + e.path, body: e.body, headers, connections, duration });
      runs.product.push(mine);
      acknowledged += (mine.total - mine.non2xx) * e.perRequest;
    }
    const b = median(runs.bare.map((x) => x.requestsPerSec));
    const p = median(runs.product.map((x) => x.requestsPerSec));
    const errors = runs.product.reduce((n, x) => n + x.errors + x.non2xx, 0);
    best.bare = Math.max(best.bare, b);
    best.product = Math.max(best.product, p);
    const perRound = (xs: LoadResult[]) => xs.map((x) => fmt(x.requestsPerSec * e.perRequest)).join(" / ");
    console.log(`${e.name} -c ${connections}`);
    console.log(
      `  bare        ${fmt(b * e.perRequest).padStart(9)} events/s  (rounds ${perRound(runs.bare)})`,
    );
    console.log(
      `  switchyard  ${fmt(p * e.perRequest).padStart(9)} events/s  (rounds ${perRound(runs.product)})  errors ${errors}`,
    );
    console.log(
      `  ratio ${(p / b).toFixed(2)}   p50/p99 ms: bare ${median(runs.bare.map((x) => x.p50))}/${median(runs.bare.map((x) => x.p99))}, switchyard ${median(runs.product.map((x) => x.p50))}/${median(runs.product.map((x) => x.p99))}`,
    );
    summary.push(`${e.name.padEnd(16)} -c ${String(connections).padEnd(4)} ratio ${(p / b).toFixed(2)}`);
  }
  summary.push(
    `${e.name.padEnd(16)} capacity ratio ${(best.product / best.bare).toFixed(2)} (${fmt(best.product * e.perRequest)} vs ${fmt(best.bare * e.perRequest)} events/s)  target >= 0.50`,
  );

  // Half the product's capacity, evenly paced. Each run follows 5 s unmeasured at the same rate:
  // right after the saturating runs above, the first seconds still show their aftermath (heap,
  // disk writeback: a batch p99 of ~100 ms that is ~30 ms on the next run), which is recovery,
  // not steady state at half load.
  const rate = Math.max(1, Math.round(best.product / 2));
  const opts = { body: e.body, headers, ratePerSec: rate, durationSec: duration, connections: 200 };
  console.log(
    `${e.name} at half the product's capacity, evenly paced (open loop, latency from the due time):`,
  );
  // Tail latency moves from run to run on a shared 2-core machine: three runs, the median p99.
  const p99s: Record<"bare" | "product", number[]> = { bare: [], product: [] };
  for (let r = 0; r < 3; r++) {
    for (const [side, server] of [
      ["product", product],
      ["bare", bare],
    ] as const) {
      await paced({ url: server.url + e.path, ...opts, durationSec: 5 });
      const result = await paced({ url: server.url + e.path, ...opts });
      if (side === "product") acknowledged += result.ok * e.perRequest;
      p99s[side].push(result.p99);
      const label = `${side === "product" ? "switchyard" : "bare      "} @ ${fmt(rate)}/s`;
      console.log(pacedRow(label, result, e.perRequest));
    }
  }
  const latency = { product: median(p99s.product), bare: median(p99s.bare) };
  summary.push(
    `${e.name.padEnd(16)} median p99 at half capacity ${latency.product} ms (runs ${p99s.product.join(" / ")}; bare ${latency.bare} ms)  target <= 25 ms`,
  );
}

await product.stop();
await bare.stop();

const stored = (
  db.prepare(`SELECT COUNT(*) AS n FROM "Message" WHERE "status" = 'accepted'`).get() as { n: number }
).n;
console.log(`\n${summary.join("\n")}`);
console.log(
  `acknowledged ${fmt(acknowledged)} messages in the measured runs; archive holds ${fmt(stored)} (incl. warm-up)`,
);
db.close();
removeDbFile(dbFile);
