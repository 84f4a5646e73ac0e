import fs from "node:fs";
import os from "node:os";
import { budgetAtHalf, type Loaded, measure, printSummary, summarise } from "@/bench/lib/cpu";
import { batchBody } from "@/bench/lib/payloads";
import { load, startServer } from "@/bench/lib/run";
import type { RequestContext } from "@/lib/ingest/enrich";
import { prepareMessages } from "@/lib/ingest/prepare";
import { SqliteArchiveStore } from "@/lib/ingest/sqlite-store";
import {
  basicAuth,
  insertSource,
  openMigrated,
  removeDbFile,
  tempDbFile,
} from "@/lib/ingest/testing/fixtures";

// Where the CPU goes on /v1/batch, and what "events/s >= 0.5x bare" would leave for it.
//   npm run bench:budget
//   env: BENCH_DURATION=8 (s per loaded run)  BENCH_ROUNDS=2  BENCH_BATCH=100  BENCH_PREFILL=500000
//        BENCH_PARTS=1,2
// Part 1 loads the bare server and the product in turn (same body, -c 50) and reads every
// thread's CPU time from /proc, so each side's cost per event is measured, not estimated, and so
// is the load generator's (this process). Part 2 times the stages of one message in isolation
// with the product's own code: JSON.parse, validation + enrichment + serialisation, and the
// archive append with and without its indexes, with time-ordered and with random messageIds.
// Linux only (/proc).

const duration = Number(process.env.BENCH_DURATION ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const batchSize = Number(process.env.BENCH_BATCH ?? 100);
const prefill = Number(process.env.BENCH_PREFILL ?? 500_000);
const parts = (process.env.BENCH_PARTS ?? "1,2").split(",");
const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(6);

const dbFile = tempDbFile("switchyard-budget-");
const db = openMigrated(dbFile);
const source = insertSource(db);
const headers = { "content-type": "application/json", authorization: basicAuth(source.writeKey) };
const body = batchBody(source.writeKey, batchSize);
const cores = os.cpus().length;

if (parts.includes("1")) await loaded();

async function loaded(): Promise<void> {
  console.log(
    `node ${process.version}, ${cores} CPUs; /v1/batch, ${batchSize} messages (${Buffer.byteLength(body)} B) per request, -c 50, ${rounds} interleaved rounds × ${duration} s`,
  );
  const bare = await startServer("bench/lib/bare-server.ts");
  const product = await startServer("lib/ingest/testing/serve.ts", [dbFile]);
  for (const server of [bare, product]) {
    await load({ url: `${server.url}/v1/batch`, body, headers, connections: 50, duration: 2 });
  }
  const runs: Record<"bare" | "product", Loaded[]> = { bare: [], product: [] };
  const opts = { body, headers, batchSize, duration };
  for (let r = 0; r < rounds; r++) {
    runs.bare.push(await measure(bare, opts));
    runs.product.push(await measure(product, opts));
  }
  await product.stop();
  await bare.stop();

  const b = summarise(runs.bare);
  const p = summarise(runs.product);
  printSummary("bare", b);
  printSummary("switchyard", p);
  // At 0.5x bare, the product must take (bare events/s) / 2 on the same cores, whose time it
  // shares with the generator: its CPU per event can be at most what the cores hold at that rate.
  const { target, server: budget, loop: loopBudget } = budgetAtHalf(b, p.generator, cores);
  console.log(
    `\nratio ${(p.eventsPerSec / b.eventsPerSec).toFixed(2)}; 0.5x bare = ${Math.round(target).toLocaleString("en-US")} events/s, ` +
      `which ${cores} cores can serve at ≤ ${budget.toFixed(1)} µs of server CPU per event (after the generator's ${p.generator.toFixed(1)} µs); ` +
      `switchyard spends ${p.server.toFixed(1)} µs (${(p.server / budget).toFixed(1)}x the budget)`,
  );
  console.log(
    `the event loop alone may spend ≤ ${loopBudget.toFixed(1)} µs per event at that rate; it spends ${(p.perThread.get("event loop") ?? 0).toFixed(1)} µs`,
  );
}

// ---- Part 2: stages of one message, in isolation ----------------------------------------------

/** CPU µs per unit of fn(i) run `n` times (best of 3 passes after a warm-up pass). */
function cpuPer(n: number, units: number, fn: (i: number) => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < 4; pass++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fn(i);
    const t = process.cpuUsage(t0);
    if (pass > 0) best = Math.min(best, (t.user + t.system) / (n * units));
  }
  return best;
}

if (parts.includes("2")) {
  const ctxFor = (): RequestContext => ({
    workspaceId: source.workspaceId,
    sourceId: source.id,
    receivedAt: Date.now(),
    receivedAtIso: new Date().toISOString(),
    ip: "203.0.113.7",
    endpointType: null,
  });
  const sample = body.replaceAll("[<id>]", "x");
  const parseUs = cpuPer(2000, batchSize, () => JSON.parse(sample));
  const prepareUs = cpuPer(2000, batchSize, () => {
    const parsed = JSON.parse(sample) as { batch: unknown[] };
    prepareMessages(parsed.batch, ctxFor());
  });
  const enriched = JSON.parse(
    prepareMessages((JSON.parse(sample) as { batch: unknown[] }).batch, ctxFor()).rows[0]!.payload,
  ) as object;
  const stringifyUs = cpuPer(200_000, 1, () => JSON.stringify(enriched));
  console.log(`\none message, in isolation (best of 3 passes, CPU µs per message):`);
  console.log(`  JSON.parse (the bare server's whole job)      ${fmt(parseUs, 2)}`);
  console.log(`  parse + validate + enrich + serialise         ${fmt(prepareUs, 2)}`);
  console.log(`    of which JSON.stringify of the stored row   ${fmt(stringifyUs, 2)}`);

  /** Archive append per message: groups of `batchSize` through the product's own SqliteArchiveStore. */
  function appendCost(ids: "time-ordered" | "random", opts: { indexes: boolean; prefill: number }): number {
    const file = tempDbFile("switchyard-budget-append-");
    const adb = openMigrated(file);
    // The writer thread's settings: WAL, NORMAL (it flushes the WAL itself), no auto-checkpoint.
    adb.pragma("synchronous = NORMAL");
    adb.pragma("wal_autocheckpoint = 0");
    if (!opts.indexes) {
      const ddl = adb.prepare(`SELECT "sql" FROM sqlite_master WHERE "name" = 'Message'`).get() as {
        sql: string;
      };
      const dedup = adb
        .prepare(`SELECT "sql" FROM sqlite_master WHERE "tbl_name" = 'Message' AND "name" LIKE '%dedupKey%'`)
        .get() as { sql: string };
      adb.exec(`DROP TABLE "Message"`);
      adb.exec(ddl.sql);
      adb.exec(dedup.sql); // ON CONFLICT needs it: the one index the append cannot do without
    }
    const store = new SqliteArchiveStore(adb);
    const ctx = ctxFor();
    let n = 0;
    const nextId =
      ids === "random"
        ? () => crypto.randomUUID()
        : () => `ajs-next-${Date.now()}-${(n++).toString(36).padStart(8, "0")}`;
    const group = () => {
      const parsed = JSON.parse(sample) as { batch: Record<string, unknown>[] };
      for (const m of parsed.batch) m.messageId = nextId();
      return prepareMessages(parsed.batch, ctx).rows;
    };
    // At least 50 groups first, so the JIT has compiled the append path before it is timed.
    const rowsBefore = Math.max(opts.prefill, 50 * batchSize);
    for (let i = 0; i < rowsBefore; i += batchSize) {
      void store.append(group());
      if (i % 100_000 === 0) adb.pragma("wal_checkpoint(TRUNCATE)");
    }
    // Best of 3 passes of 200 groups, each into an emptied WAL (single passes moved by ±40%).
    let us = Number.POSITIVE_INFINITY;
    let walPerMessage = 0;
    for (let pass = 0; pass < 3; pass++) {
      adb.pragma("wal_checkpoint(TRUNCATE)");
      const groups = Array.from({ length: 200 }, group);
      const t0 = process.cpuUsage();
      for (const g of groups) void store.append(g);
      const t = process.cpuUsage(t0);
      us = Math.min(us, (t.user + t.system) / (groups.length * batchSize));
      walPerMessage = fs.statSync(`${file}-wal`).size / (groups.length * batchSize);
    }
    adb.close();
    removeDbFile(file);
    console.log(
      `  append, ${opts.indexes ? "all 4 indexes" : "dedup only   "}, ${ids.padEnd(12)} ids, ${String(rowsBefore).padStart(7)} rows before  ${fmt(us, 2)}  (WAL ${Math.round(walPerMessage)} B per message)`,
    );
    return us;
  }
  appendCost("time-ordered", { indexes: false, prefill: 0 });
  appendCost("time-ordered", { indexes: true, prefill: 0 });
  appendCost("time-ordered", { indexes: true, prefill });
  appendCost("random", { indexes: true, prefill });
}

db.close();
removeDbFile(dbFile);
