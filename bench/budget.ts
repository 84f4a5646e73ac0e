import fs from "node:fs";
import os from "node:os";
import { batchBody } from "@/bench/lib/payloads";
import { load, median, type ServerProcess, startServer } from "@/bench/lib/run";
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
const TICK_US = 1e6 / 100; // USER_HZ: /proc/<pid>/task/<tid>/stat counts in 1/100 s

const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(6);

// ---- Part 1: per-thread CPU under load --------------------------------------------------------

/** CPU time (µs) per thread name of a process: the main thread is "event loop". */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    let comm: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
    } catch {
      continue; // the thread ended between readdir and read
    }
    // Fields after the ")" that closes the name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const us = (Number(fields[11]) + Number(fields[12])) * TICK_US;
    const name = Number(tid) === pid ? "event loop" : comm === "node" ? "V8 helpers + libuv pool" : comm;
    out.set(name, (out.get(name) ?? 0) + us);
  }
  return out;
}

function machineBusy(): { busy: number; total: number } {
  const cpu = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3]! + cpu[4]!;
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) * TICK_US, total: total * TICK_US };
}

interface Loaded {
  eventsPerSec: number;
  /** µs of CPU per acknowledged event, by thread name (server side). */
  perEvent: Map<string, number>;
  serverPerEvent: number;
  generatorPerEvent: number;
  /** Share of the machine's CPU time that was busy, 0..1. */
  machineBusy: number;
}

async function measure(
  server: ServerProcess,
  body: string,
  headers: Record<string, string>,
): Promise<Loaded> {
  const pid = server.child.pid!;
  const before = threadCpu(pid);
  const gen0 = process.cpuUsage();
  const m0 = machineBusy();
  const r = await load({ url: `${server.url}/v1/batch`, body, headers, connections: 50, duration });
  const m1 = machineBusy();
  const gen = process.cpuUsage(gen0);
  const after = threadCpu(pid);
  const events = (r.total - r.non2xx) * batchSize;
  const perEvent = new Map<string, number>();
  for (const [name, us] of after) perEvent.set(name, (us - (before.get(name) ?? 0)) / events);
  return {
    eventsPerSec: events / duration,
    perEvent,
    serverPerEvent: [...perEvent.values()].reduce((a, b) => a + b, 0),
    generatorPerEvent: (gen.user + gen.system) / events,
    machineBusy: (m1.busy - m0.busy) / (m1.total - m0.total),
  };
}

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
  for (let r = 0; r < rounds; r++) {
    runs.bare.push(await measure(bare, body, headers));
    runs.product.push(await measure(product, body, headers));
  }
  await product.stop();
  await bare.stop();

  const summarise = (xs: Loaded[]) => {
    const names = new Set(xs.flatMap((x) => [...x.perEvent.keys()]));
    const perThread = new Map([...names].map((n) => [n, median(xs.map((x) => x.perEvent.get(n) ?? 0))]));
    return {
      eventsPerSec: median(xs.map((x) => x.eventsPerSec)),
      perThread,
      server: median(xs.map((x) => x.serverPerEvent)),
      generator: median(xs.map((x) => x.generatorPerEvent)),
      busy: median(xs.map((x) => x.machineBusy)),
    };
  };
  const b = summarise(runs.bare);
  const p = summarise(runs.product);
  for (const [label, s] of [
    ["bare", b],
    ["switchyard", p],
  ] as const) {
    console.log(
      `\n${label}: ${Math.round(s.eventsPerSec).toLocaleString("en-US")} events/s, machine ${(s.busy * 100).toFixed(0)}% busy`,
    );
    for (const [name, us] of [...s.perThread].sort((x, y) => y[1] - x[1])) {
      if (us >= 0.05) console.log(`  ${name.padEnd(26)} ${fmt(us)} µs CPU per event`);
    }
    console.log(`  ${"server, all threads".padEnd(26)} ${fmt(s.server)} µs`);
    console.log(`  ${"load generator (this one)".padEnd(26)} ${fmt(s.generator)} µs`);
  }
  // At 0.5x bare, the product must take (bare events/s) / 2 on the same cores, whose time it
  // shares with the generator: its CPU per event can be at most what the cores hold at that rate.
  const target = b.eventsPerSec / 2;
  const budget = (cores * 1e6) / target - p.generator;
  console.log(
    `\nratio ${(p.eventsPerSec / b.eventsPerSec).toFixed(2)}; 0.5x bare = ${Math.round(target).toLocaleString("en-US")} events/s, ` +
      `which ${cores} cores can serve at ≤ ${budget.toFixed(1)} µs of server CPU per event (after the generator's ${p.generator.toFixed(1)} µs); ` +
      `switchyard spends ${p.server.toFixed(1)} µs (${(p.server / budget).toFixed(1)}x the budget)`,
  );
  const loopBudget = 1e6 / target;
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
