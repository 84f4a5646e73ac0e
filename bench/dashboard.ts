import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { measureHttp, measurePage } from "@/bench/lib/dashboard-browser";
import { addExtras } from "@/bench/lib/dashboard-extras";
import { type Generated, generate, type Shape } from "@/bench/lib/dashboard-generate";
import { measureFunctions, type Timing } from "@/bench/lib/dashboard-measure";
import { startServer } from "@/e2e/support/server";
import { migrate } from "@/lib/db/migrate";
import { openSqlite } from "@/lib/db/sqlite";
import { compactMetrics } from "@/lib/metrics/compact";

// Event Delivery dashboards at scale: 10,000,000 delivery outcomes over 30 days across 20
// destinations (4 sources), then every panel for every period (1h, 24h, 7d, 30d, an 11-day custom
// range off the hour): the API functions in-process and the routes over HTTP (N runs each,
// p50/p95), and the page in Chromium until all panels show data.
//   npx tsx bench/dashboard.ts
//   env: BENCH_TOTAL=10000000 BENCH_RUNS=50 BENCH_FRESH=1 (regenerate) BENCH_BROWSER=0 (skip server/Chromium)
// Target: each panel <= 100 ms p95 for any period; page usable <= 1.5 s.
// Needs a production build (npx next build) for the HTTP and browser parts.

const shape: Shape = {
  total: Number(process.env.BENCH_TOTAL ?? 10_000_000),
  days: 30,
  destinations: 20,
  sources: 4,
  seed: 42,
};
const runs = Number(process.env.BENCH_RUNS ?? 50);
const dir = path.join(os.tmpdir(), `switchyard-bench-dashboard-${shape.total}`);
const file = path.join(dir, "switchyard.db");
const metaFile = path.join(dir, "generated.json");

type Meta = Generated & { extras: ReturnType<typeof addExtras>; compactionSeconds: number; bytes: number };
let meta: Meta | null =
  fs.existsSync(metaFile) && !process.env.BENCH_FRESH ? JSON.parse(fs.readFileSync(metaFile, "utf8")) : null;
if (!meta) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const db = openSqlite(file);
  migrate(db);
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -262144");
  console.log(`generating ${shape.total.toLocaleString("en-US")} outcomes into ${file} …`);
  const g = generate(db, shape, Date.now());
  const extras = addExtras(db, g);
  const t0 = performance.now();
  compactMetrics(db, g.end);
  const compactionSeconds = (performance.now() - t0) / 1000;
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  meta = { ...g, extras, compactionSeconds, bytes: fs.statSync(file).size };
  fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2));
}

const fmt = (n: number) => n.toLocaleString("en-US");
console.log(
  `node ${process.version}, ${os.cpus().length} CPUs; ${fmt(shape.total)} outcomes (${Object.entries(
    meta.byStatus,
  )
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(
      ", ",
    )}), ${fmt(meta.rollupRows)} minute rollup rows, ${meta.extras.samples} samples, ${meta.extras.jobs} queued retries, ` +
    `${meta.extras.healthEvents} health events; file ${(meta.bytes / 1e9).toFixed(2)} GB; generated in ${meta.seconds.toFixed(0)} s; ` +
    `first compaction (hourly + error rollups from scratch) ${meta.compactionSeconds.toFixed(1)} s`,
);

const db = openSqlite(file);
const busiest = meta.destinations[0]!;
const errorType = db
  .prepare(
    `SELECT "errorType" FROM "DeliveryErrorRollup" WHERE "destinationId" = ? GROUP BY 1 ORDER BY SUM("count") DESC LIMIT 1`,
  )
  .pluck()
  .get(busiest) as string;
const outcomesOfBusiest = db
  .prepare(`SELECT COUNT(*) FROM "DeliveryOutcome" WHERE "destinationId" = ?`)
  .pluck()
  .get(busiest) as number;
console.log(`busiest destination: ${fmt(outcomesOfBusiest)} outcomes; samples panel for "${errorType}"`);

const table = (title: string, rows: Record<string, Timing>) => {
  console.log(`\n${title}`);
  console.log(
    `${"panel period".padEnd(18)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"max ms".padStart(8)}`,
  );
  for (const [name, t] of Object.entries(rows))
    console.log(
      `${name.padEnd(18)} ${t.p50.toFixed(1).padStart(8)} ${t.p95.toFixed(1).padStart(8)} ${t.max.toFixed(1).padStart(8)}`,
    );
  const worst = Math.max(...Object.values(rows).map((t) => t.p95));
  console.log(`worst p95: ${worst.toFixed(1)} ms (target <= 100 ms)`);
};

table(
  `API functions in-process, N=${runs} each (busiest destination; overview = all 20)`,
  measureFunctions(db, {
    end: meta.end,
    destinationId: busiest,
    workspaceId: meta.workspaceId,
    errorType,
    runs,
  }),
);
db.close();

if (process.env.BENCH_BROWSER !== "0") {
  const server = await startServer({ port: 3391, dataDir: dir, env: { ARCHIVE_RETENTION_DAYS: "3650" } });
  try {
    table(
      `HTTP through the server (session, membership, destination check, JSON), N=${runs} each`,
      await measureHttp(server, { destinationId: busiest, errorType, runs, end: meta.end }),
    );
    const pages = await measurePage(server, { destinationId: busiest, warmRuns: 20, coldRuns: 5 });
    console.log("\nChromium: navigation until all panels show data (ms)");
    console.log(
      `${"period".padEnd(8)} ${"warm p50".padStart(9)} ${"warm p95".padStart(9)} ${"cold p50".padStart(9)} ${"cold max".padStart(9)}`,
    );
    for (const [label, t] of Object.entries(pages))
      console.log(
        `${label.padEnd(8)} ${t.p50.toFixed(0).padStart(9)} ${t.p95.toFixed(0).padStart(9)} ${t.cold.p50.toFixed(0).padStart(9)} ${t.cold.max.toFixed(0).padStart(9)}`,
      );
    console.log(
      "warm: same browser context (cached JS, as for someone using the console); cold: a new context each time. Target <= 1,500 ms.",
    );
  } finally {
    await server.stop();
  }
}
