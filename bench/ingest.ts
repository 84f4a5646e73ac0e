import os from "node:os";
import { batchBody, singleBody } from "@/bench/lib/payloads";
import { type LoadResult, load, startServer } from "@/bench/lib/run";
import {
  basicAuth,
  insertSource,
  openMigrated,
  removeDbFile,
  tempDbFile,
} from "@/lib/ingest/testing/fixtures";

// Tracking API ingest vs a bare node:http JSON endpoint, same machine, same run, same bodies.
//   npx tsx bench/ingest.ts
//   env: BENCH_DURATION=10 BENCH_CONNECTIONS=50 BENCH_BATCH=100 BENCH_WRITER=thread|inline
// Targets: /v1/track req/s >= 0.5x bare; /v1/batch events/s >= 0.5x bare; p99 <= 25 ms at
// half the measured max rate (autocannon overallRate).

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const batchSize = Number(process.env.BENCH_BATCH ?? 100);
const writer = process.env.BENCH_WRITER === "inline" ? "inline" : "thread";

const dbFile = tempDbFile("switchyard-bench-");
const db = openMigrated(dbFile);
const source = insertSource(db);

const bare = await startServer("bench/lib/bare-server.ts");
const product = await startServer("lib/ingest/testing/serve.ts", [dbFile], { INGEST_WRITER: writer });
const headers = { "content-type": "application/json", authorization: basicAuth(source.writeKey) };
const single = singleBody(source.writeKey);
const batch = batchBody(source.writeKey, batchSize);

const run = (url: string, body: string, extra: { duration?: number; overallRate?: number } = {}) =>
  load({ url, body, headers, connections, duration, ...extra });

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const row = (name: string, r: LoadResult, perRequest = 1) =>
  `${name.padEnd(38)} ${fmt(r.requestsPerSec).padStart(8)} req/s ${fmt(r.requestsPerSec * perRequest).padStart(9)} events/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors + r.non2xx}`;

console.log(
  `node ${process.version}, ${os.cpus().length} CPUs, writer=${writer}; track body ${Buffer.byteLength(single)} B, batch body ${Buffer.byteLength(batch)} B (${batchSize} messages); -c ${connections}, ${duration} s per run`,
);
// Warm-up: JIT, SQLite page cache, connection setup.
await run(`${bare.url}/v1/track`, single, { duration: 2 });
await run(`${product.url}/v1/track`, single, { duration: 2 });

const bareSingle = await run(`${bare.url}/v1/track`, single);
console.log(row("bare node:http   POST /v1/track", bareSingle));
const prodSingle = await run(`${product.url}/v1/track`, single);
console.log(row("switchyard       POST /v1/track", prodSingle));
const bareBatch = await run(`${bare.url}/v1/batch`, batch);
console.log(row("bare node:http   POST /v1/batch", bareBatch, batchSize));
const prodBatch = await run(`${product.url}/v1/batch`, batch);
console.log(row("switchyard       POST /v1/batch", prodBatch, batchSize));

const halfSingle = Math.max(1, Math.round(prodSingle.requestsPerSec / 2));
const latSingle = await run(`${product.url}/v1/track`, single, { overallRate: halfSingle });
console.log(row(`switchyard /v1/track @ ${halfSingle}/s`, latSingle));
const halfBatch = Math.max(1, Math.round(prodBatch.requestsPerSec / 2));
const latBatch = await run(`${product.url}/v1/batch`, batch, { overallRate: halfBatch });
console.log(row(`switchyard /v1/batch @ ${halfBatch}/s`, latBatch, batchSize));
// autocannon's overallRate sends each connection's quota for the second back to back, so
// even the baseline shows the queueing of 50 simultaneous 60 KB bodies: context for the above.
const latBareBatch = await run(`${bare.url}/v1/batch`, batch, { overallRate: halfBatch });
console.log(row(`bare node:http /v1/batch @ ${halfBatch}/s`, latBareBatch, batchSize));

await product.stop();
await bare.stop();

const stored = (
  db.prepare(`SELECT COUNT(*) AS n FROM "Message" WHERE "status" = 'accepted'`).get() as { n: number }
).n;
const acked = [prodSingle, prodBatch, latSingle, latBatch].reduce(
  (sum, r, i) => sum + (r.total - r.non2xx) * (i % 2 === 1 ? batchSize : 1),
  0,
);
const singleRatio = prodSingle.requestsPerSec / bareSingle.requestsPerSec;
const batchRatio = prodBatch.requestsPerSec / bareBatch.requestsPerSec;
console.log(`\nratio /v1/track req/s    switchyard/bare = ${singleRatio.toFixed(2)}  (target >= 0.50)`);
console.log(`ratio /v1/batch events/s switchyard/bare = ${batchRatio.toFixed(2)}  (target >= 0.50)`);
console.log(
  `p99 at half max rate: /v1/track ${latSingle.p99} ms, /v1/batch ${latBatch.p99} ms (bare ${latBareBatch.p99} ms)  (target <= 25 ms)`,
);
console.log(
  `acknowledged ${fmt(acked)} messages in the measured runs; archive holds ${fmt(stored)} (incl. warm-up)`,
);
db.close();
removeDbFile(dbFile);
