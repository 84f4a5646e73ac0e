import os from "node:os";
import { paced } from "@/bench/lib/paced";
import { singleBody } from "@/bench/lib/payloads";
import { startServer } from "@/bench/lib/run";
import { openPgPool } from "@/lib/db/pg";
import { insertPgSource } from "@/lib/db/pg-fixtures";
import { migratePg } from "@/lib/db/pg-migrate";
import { createTestDatabase } from "@/lib/db/pg-testing";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { basicAuth } from "@/lib/ingest/testing/fixtures";
import { createTap } from "@/lib/tap";
import { startPgTapBridge } from "@/lib/tap/pg";

// Ingest on one instance -> event published on another instance's tap (the debugger's feed),
// across PostgreSQL's LISTEN/NOTIFY, at a steady rate:
//   npm run bench:tap-pg        env: BENCH_RATE=1000 (events/s)  BENCH_DURATION=10 (s)  TEST_PG_URL=…
// "Instance B" is the ingest server (lib/ingest/testing/serve.ts on PostgreSQL, one /v1/track
// request per event); "instance A" is this process: its own pool, LISTEN connection and tap.
// Latency = when A's tap publishes the event - the receivedAt B stamped when the request arrived.
// Goal (issue 17): p95 <= 250 ms at 1,000 events/s. SSE framing on A adds well under 1 ms.

const rate = Number(process.env.BENCH_RATE ?? 1000);
const duration = Number(process.env.BENCH_DURATION ?? 10);

const db = await createTestDatabase("switchyard_bench_tap");
const pool = openPgPool(db.url, 4);
await migratePg(pool);
const writeKey = `wk_tap_${Date.now()}`;
const source = await insertPgSource(pool, { writeKey });
const ingest = await startServer("lib/ingest/testing/serve.ts", [db.url]);

const tap = createTap();
const latencies: number[] = [];
tap.subscribe(source.id, (e) => latencies.push(Date.now() - e.receivedAt));
const bridge = startPgTapBridge({ url: db.url, store: new PgArchiveStore(pool), tap });
await bridge.ready;

const headers = { "content-type": "application/json", authorization: basicAuth(writeKey) };
const result = await paced({
  url: `${ingest.url}/v1/track`,
  body: singleBody(writeKey),
  headers,
  ratePerSec: rate,
  durationSec: duration,
  connections: 100,
});
for (let i = 0; i < 100 && latencies.length < result.ok; i++) await new Promise((r) => setTimeout(r, 50));

const sorted = [...latencies].sort((a, b) => a - b);
const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
console.log(
  `node ${process.version}, ${os.cpus().length} CPUs, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log(
  `ingest on B at ${rate}/s for ${duration} s: ${result.ok} acknowledged (${Math.round(result.achievedPerSec)}/s), ingest p99 ${result.p99} ms`,
);
console.log(
  `tap on A received ${latencies.length}: ingest -> A p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, p99 ${q(0.99)} ms, max ${sorted[sorted.length - 1]} ms  (goal p95 <= 250 ms)`,
);
await bridge.stop();
await ingest.stop();
await pool.end();
await db.drop();
