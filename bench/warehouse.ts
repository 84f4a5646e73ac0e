import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { batchBody } from "@/bench/lib/payloads";
import { type LoadResult, load, startServer } from "@/bench/lib/run";
import { archive, insertDestination, TEST_KEY } from "@/lib/delivery/testing/fixtures";
import {
  basicAuth,
  insertSource,
  openMigrated,
  removeDbFile,
  tempDbFile,
} from "@/lib/ingest/testing/fixtures";
import { batchSource } from "@/lib/warehouses/batches";
import { startWarehouseScheduler } from "@/lib/warehouses/scheduler";
import * as store from "@/lib/warehouses/store";
import { tempPostgres } from "@/lib/warehouses/testing";

// The PostgreSQL warehouse loader against a raw COPY of the same rows, same run, same database.
//   npm run bench:warehouse
//   env: BENCH_EVENTS=100000  BENCH_ROUNDS=2  BENCH_DURATION=8 (s of ingest load per side)
// 1. Archives BENCH_EVENTS realistic messages (60% track over 12 events, identify, page, screen,
//    group, alias) into a fresh SQLite archive.
// 2. Loader: a full sync from the archive (read, flatten, plan, COPY straight into the tables,
//    staging + INSERT … ON CONFLICT for users/accounts, cursor) -> rows/s. Baseline: the rows the
//    loader wrote, exported beforehand, COPYed
//    straight into empty tables of the same definition (primary keys included) -> rows/s.
//    Goal: loader >= 0.5x raw COPY. Rounds alternate loader and COPY; medians count.
// 3. Preparing alone (nothing loaded), on one thread and on two: the rate a sync into a warehouse
//    on another machine is bound by.
// 4. The sync's own event loop (the server's, when the scheduler runs inside it): its delay p99
//    and max during a load with the batches prepared on their thread (the product) and prepared
//    on the event loop itself (the fallback).
// 5. Ingest while a load runs: /v1/batch events/s and p99 of the product's ingest server (its own
//    process, same SQLite file) alone, then while the loader loads the whole archive again.

const N = Number(process.env.BENCH_EVENTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const EVENTS = [
  "Order Completed",
  "Product Viewed",
  "Product Added",
  "Checkout Started",
  "Signed Up",
  "Page Scrolled",
  "Video Played",
  "Search Performed",
  "Coupon Applied",
  "Cart Viewed",
  "Product Removed",
  "Subscription Started",
];

function message(i: number): Record<string, unknown> {
  const user = `user_${i % 5000}`;
  const context = {
    library: { name: "analytics.js", version: "next-1.84.3" },
    locale: "en-GB",
    page: {
      path: `/p/${i % 300}`,
      referrer: "https://www.google.com/",
      title: "Shop",
      url: `https://shop.example.com/p/${i % 300}`,
    },
    userAgent:
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    campaign: { name: "spring", source: "newsletter", medium: "email" },
  };
  const r = i % 100;
  const base = {
    messageId: `bench-${i}`,
    userId: user,
    anonymousId: `anon-${i % 7000}`,
    context,
    timestamp: new Date(Date.now() - i).toISOString(),
  };
  if (r < 60)
    return {
      ...base,
      type: "track",
      event: EVENTS[i % EVENTS.length],
      properties: {
        orderId: `ord_${i}`,
        total: (i % 1000) / 10,
        currency: "EUR",
        coupon: i % 3 ? "SPRING" : null,
        products: i % 7,
        member: i % 2 === 0,
        item: { sku: `sku-${i % 50}`, category: "shoes" },
      },
    };
  if (r < 75)
    return {
      ...base,
      type: "identify",
      traits: {
        email: `${user}@example.com`,
        plan: i % 2 ? "pro" : "free",
        logins: i % 40,
        createdAt: "2026-01-01T00:00:00Z",
      },
    };
  if (r < 90)
    return {
      ...base,
      type: "page",
      name: "Product",
      category: "Shop",
      properties: { path: `/p/${i % 300}`, title: "Shop", url: `https://shop.example.com/p/${i % 300}` },
    };
  if (r < 95) return { ...base, type: "screen", name: "Cart", properties: { step: i % 4 } };
  if (r < 98)
    return {
      ...base,
      type: "group",
      groupId: `acct_${i % 400}`,
      traits: { name: `Account ${i % 400}`, employees: i % 900 },
    };
  return { ...base, type: "alias", previousId: `anon-${i % 7000}` };
}

const dbFile = tempDbFile("switchyard-bench-warehouse-");
const db = openMigrated(dbFile);
const source = insertSource(db);
const pgdb = await tempPostgres("sy_wh_bench");
const destinationId = insertDestination(db, {
  workspaceId: source.workspaceId,
  sourceIds: [source.id],
  type: "postgres",
  settings: { ...pgdb.settings },
  enabled: false,
});
const admin = new pg.Client({
  ...{ host: pgdb.settings.host, port: pgdb.settings.port, database: pgdb.database, user: "postgres" },
});
await admin.connect();

console.log(`node ${process.version}, ${os.cpus().length} CPUs; archiving ${fmt(N)} messages…`);
for (let i = 0; i < N; i += 5000)
  archive(
    db,
    { workspaceId: source.workspaceId, sourceId: source.id },
    Array.from({ length: Math.min(5000, N - i) }, (_, j) => message(i + j)),
  );

const schedulerWith = (thread: boolean) =>
  startWarehouseScheduler({
    db,
    encryptionKey: () => TEST_KEY,
    allowPrivate: () => true,
    tickMs: 3_600_000,
    thread,
  });
const scheduler = schedulerWith(true);
const schema = () => store.listSchemas(db, destinationId)[0]?.schemaName ?? "";

/** Drops what the last load created and puts the cursor back to the start of the archive. */
async function reset() {
  const s = schema();
  if (s) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await admin.query(`DROP SCHEMA IF EXISTS raw_copy CASCADE`);
  db.prepare(`UPDATE "WarehouseState" SET "lastSeq" = 0, "columns" = '{}' WHERE "destinationId" = ?`).run(
    destinationId,
  );
  db.prepare(`UPDATE "WarehouseSchema" SET "fixedAt" = NULL WHERE "destinationId" = ?`).run(destinationId);
  await admin.query("CHECKPOINT");
}

async function runLoader(by = scheduler): Promise<{ seconds: number; rows: number; messages: number }> {
  store.queueRun(db, { id: destinationId, workspaceId: source.workspaceId }, "manual", Date.now(), null);
  const t0 = performance.now();
  await by.tick();
  const seconds = (performance.now() - t0) / 1000;
  const run = store.listRuns(db, destinationId, 1)[0]!;
  if (run.status !== "succeeded") throw new Error(`load failed: ${run.error}`);
  // The rows now in the tables (users/accounts upserts count once per id): the same rows the COPY
  // baseline writes.
  const s = schema();
  const tables = (
    await admin.query<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1`,
      [s],
    )
  ).rows.map((r) => r.t);
  let rows = 0;
  for (const t of tables)
    rows += Number((await admin.query(`SELECT COUNT(*) AS n FROM "${s}"."${t}"`)).rows[0].n);
  return { seconds, rows, messages: run.messages };
}

/** Exports each loaded table (outside the timing), then COPYs it into an empty twin: rows/s. */
async function runRawCopy(): Promise<{ seconds: number; rows: number }> {
  const s = schema();
  const tables = (
    await admin.query<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1`,
      [s],
    )
  ).rows.map((r) => r.t);
  const exported = new Map<string, Buffer>();
  let rows = 0;
  for (const t of tables) {
    const chunks: Buffer[] = [];
    await pipeline(
      admin.query(copyTo(`COPY "${s}"."${t}" TO STDOUT`)),
      new Writable({
        write(c, _e, cb) {
          chunks.push(c);
          cb();
        },
      }),
    );
    exported.set(t, Buffer.concat(chunks));
    rows += Number((await admin.query(`SELECT COUNT(*) AS n FROM "${s}"."${t}"`)).rows[0].n);
  }
  await admin.query(`CREATE SCHEMA raw_copy`);
  for (const t of tables)
    await admin.query(`CREATE TABLE raw_copy."${t}" (LIKE "${s}"."${t}" INCLUDING ALL)`);
  await admin.query("CHECKPOINT");
  const t0 = performance.now();
  for (const [t, data] of exported) {
    await admin.query("BEGIN");
    await pipeline(Readable.from([data]), admin.query(copyFrom(`COPY raw_copy."${t}" FROM STDIN`)));
    await admin.query("COMMIT");
  }
  return { seconds: (performance.now() - t0) / 1000, rows };
}

const loaderRates: number[] = [];
const copyRates: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  await reset();
  const l = await runLoader();
  const c = await runRawCopy();
  loaderRates.push(l.rows / l.seconds);
  copyRates.push(c.rows / c.seconds);
  console.log(
    `round ${round}: loader ${fmt(l.messages)} messages -> ${fmt(l.rows)} rows in ${l.seconds.toFixed(2)} s = ${fmt(l.rows / l.seconds)} rows/s ` +
      `(${fmt(l.messages / l.seconds)} messages/s); raw COPY of the same ${fmt(c.rows)} rows ${c.seconds.toFixed(2)} s = ${fmt(c.rows / c.seconds)} rows/s`,
  );
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const ratio = med(loaderRates) / med(copyRates);
console.log(
  `loader vs raw COPY (medians): ${fmt(med(loaderRates))} / ${fmt(med(copyRates))} rows/s = ${ratio.toFixed(2)}x (goal >= 0.5x) ${ratio >= 0.5 ? "MET" : "NOT MET"}`,
);

// Preparing alone (read, flatten, plan, encode; nothing loaded): what a sync into a warehouse on
// another machine is bound by, where the COPYs cost this machine little. One thread vs two.
const prepSeconds = async (threads: number) => {
  const t0 = performance.now();
  const batches = batchSource({
    db,
    setup: { schemas: { [source.id]: "bench_prepare" }, selection: { tables: [], columns: [] }, columns: {} },
    sourceIds: [source.id],
    after: 0,
    batchSizes: { first: 2_000, rest: 25_000, last: 2_000, pending: N },
    now: Date.now,
    thread: true,
    threads,
  });
  let messages = 0;
  for (let b = await batches.next(); b; b = await batches.next()) messages += b.count;
  await batches.close();
  if (messages !== N) throw new Error(`prepared ${messages} of ${N} messages`);
  return (performance.now() - t0) / 1000;
};
const prep: Record<number, number[]> = { 1: [], 2: [] };
await prepSeconds(2); // starts the threads
for (let round = 1; round <= ROUNDS; round++) for (const t of [1, 2]) prep[t]!.push(await prepSeconds(t));
console.log(
  `preparing alone, ${fmt(N)} messages (medians): one thread ${med(prep[1]!).toFixed(2)} s = ${fmt(N / med(prep[1]!))} messages/s; ` +
    `two threads ${med(prep[2]!).toFixed(2)} s = ${fmt(N / med(prep[2]!))} messages/s (${(med(prep[1]!) / med(prep[2]!)).toFixed(2)}x)`,
);

// The event loop of the process that runs the sync, while it loads the archive.
const inline = schedulerWith(false);
for (const [name, by] of [
  ["batches prepared on two threads of their own", scheduler],
  ["batches prepared on the event loop", inline],
] as const) {
  await reset();
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const l = await runLoader(by);
  h.disable();
  console.log(
    `event loop of the syncing process, ${name}: delay p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms, ` +
      `max ${(h.max / 1e6).toFixed(1)} ms (load ${l.seconds.toFixed(2)} s)`,
  );
}
await inline.stop();

// Ingest alone vs during a load (another source, so the load does not include the new traffic).
const ingestSource = insertSource(db, { workspaceId: source.workspaceId });
const server = await startServer("lib/ingest/testing/serve.ts", [dbFile]);
const body = batchBody(ingestSource.writeKey, 100);
const headers = { "content-type": "application/json", authorization: basicAuth(ingestSource.writeKey) };
const ingest = () =>
  load({ url: `${server.url}/v1/batch`, body, headers, connections: 50, duration: DURATION });
await load({ url: `${server.url}/v1/batch`, body, headers, connections: 50, duration: 2 }); // warm-up
const alone: LoadResult = await ingest();
await reset();
let loadSeconds = 0;
const during = await Promise.all([
  ingest(),
  (async () => {
    await new Promise((r) => setTimeout(r, 500));
    loadSeconds = (await runLoader()).seconds;
  })(),
]).then(([r]) => r);
const ev = (r: LoadResult) => r.requestsPerSec * 100;
console.log(
  `ingest /v1/batch(100), 50 connections, ${DURATION} s: alone ${fmt(ev(alone))} events/s p99 ${alone.p99} ms; ` +
    `during a load (${loadSeconds.toFixed(1)} s of it overlapping) ${fmt(ev(during))} events/s p99 ${during.p99} ms = ${(ev(during) / ev(alone)).toFixed(2)}x`,
);
if (alone.errors + alone.non2xx + during.errors + during.non2xx)
  console.log(`errors: ${alone.errors + alone.non2xx} alone, ${during.errors + during.non2xx} during`);

await server.stop();
await scheduler.stop();
await admin.end();
await pgdb.drop();
db.close();
removeDbFile(dbFile);
