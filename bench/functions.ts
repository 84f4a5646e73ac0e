import path from "node:path";
import type Database from "better-sqlite3";
import { threadCpu } from "@/bench/lib/cpu";
import { engineAlone } from "@/bench/lib/engine-alone";
import { singleBody } from "@/bench/lib/payloads";
import { load, startServer } from "@/bench/lib/run";
import { insertDestination, tempDb } from "@/lib/delivery/testing/fixtures";
import { loadFunctionLimits } from "@/lib/functions/limits";
import { Sandbox } from "@/lib/functions/sandbox/host";
import { insertDeployedFunction } from "@/lib/functions/testing";
import { basicAuth, insertSource } from "@/lib/ingest/testing/fixtures";
import { exactQuantile } from "@/lib/metrics/histogram";

// Functions' cost, measured two ways (npm run bench:functions; BENCH_DURATION=20 BENCH_RATE=1000):
// 1. The insert-function step alone: a trivial insert function (returns the event) invoked at
//    1,000 events/s, one event per millisecond as the delivery worker hands them over; the step's
//    median and P95 wall time per event, against a baseline of the same pacing with no call.
//    Goal: <= 50 us median. The floor under it: the same call made in the engine on this thread
//    (no hop, bench/lib/engine-alone.ts), paced like the step and back to back.
// 2. End to end through the real ingest + delivery process (bench/lib/delivery-server.ts): two
//    webhook destinations, P50/P95 delivery latency and server CPU per event, (a) alone, (b) with
//    a trivial insert function on one of them, (c) beside a destination function that loops until
//    its CPU limit on every event. Goal for (c): the webhooks' P95 unchanged within noise.

const duration = Number(process.env.BENCH_DURATION ?? 20);
const rate = Number(process.env.BENCH_RATE ?? 1000);
const root = path.resolve(import.meta.dirname, "..");
const fmt = (n: number | null | undefined, d = 1) =>
  n === null || n === undefined ? "–" : n.toLocaleString("en-US", { maximumFractionDigits: d });

async function stepAlone() {
  const limits = loadFunctionLimits({});
  const sandbox = new Sandbox({
    kind: "insert",
    code: "async function onTrack(event) { return event }",
    limits,
    fetch: { timeoutMs: 1000, allowPrivate: false },
  });
  await sandbox.ready();
  const event = JSON.parse(singleBody("wk")) as Record<string, unknown>;
  event.type = "track";
  const run = async (n: number, call: () => Promise<unknown>) => {
    const lat: number[] = [];
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const wait = start + i * (1000 / rate) - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t = performance.now();
      await call();
      lat.push((performance.now() - t) * 1000);
    }
    const cpu = process.cpuUsage(cpu0);
    return {
      p50: exactQuantile(lat, 0.5),
      p95: exactQuantile(lat, 0.95),
      cpuUs: (cpu.user + cpu.system) / n,
    };
  };
  const n = Math.min(20_000, duration * rate);
  let notOk = 0;
  const invoke = async () => {
    const r = await sandbox.invoke("event", JSON.stringify(event), "{}");
    if (r.outcome !== "ok") notOk++;
  };
  const engine = await engineAlone("async function onTrack(event) { return event }");
  const payload = JSON.stringify(event);
  const inEngine = async () => {
    if (engine.call(payload).charCodeAt(0) !== 61) notOk++; // "=<json>": the output event
  };
  await run(2000, invoke); // warm-up
  await run(2000, inEngine);
  const results = [];
  for (let round = 0; round < 2; round++) {
    results.push({ name: "baseline (no call)", ...(await run(n, async () => {})) });
    results.push({ name: "trivial insert function", ...(await run(n, invoke)) });
    results.push({
      name: "floor: the same call in the engine on this thread, paced",
      ...(await run(n, inEngine)),
    });
  }
  // Back to back: the same call with the engine's code and data still in the CPU's caches.
  const backToBack = async (count: number) => {
    const lat: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      await inEngine();
      lat.push((performance.now() - t) * 1000);
    }
    return { p50: exactQuantile(lat, 0.5), p95: exactQuantile(lat, 0.95), cpuUs: null };
  };
  results.push({ name: "the same call in the engine, back to back (not paced)", ...(await backToBack(n)) });
  engine.close();
  await sandbox.close();
  if (notOk) console.log(`!! ${notOk} invocations did not finish ok`);
  return results;
}

async function endToEnd(title: string, setup: (db: Database.Database, ws: string, dests: string[]) => void) {
  const { file, db } = tempDb("switchyard-bench-functions-");
  const source = insertSource(db);
  const { startSink } = await import("@/lib/delivery/testing/sink");
  const sinks = await Promise.all([0, 1].map(() => startSink({ kind: "ok" }, { record: false })));
  const dests = sinks.map((s, i) =>
    insertDestination(db, {
      workspaceId: source.workspaceId,
      sourceIds: [source.id],
      type: "webhook",
      name: `webhook ${i + 1}`,
      settings: { url: `http://127.0.0.1:${s.port}/hook` },
    }),
  );
  setup(db, source.workspaceId, dests);
  const server = await startServer("bench/lib/delivery-server.ts", [file]);
  const req = {
    url: `${server.url}/v1/track`,
    body: singleBody(source.writeKey),
    headers: { "content-type": "application/json", authorization: basicAuth(source.writeKey) },
    connections: 20,
  };
  await load({ ...req, duration: 3, overallRate: rate });
  const t0 = Date.now();
  const cpu0 = [...threadCpu(server.child.pid!).values()].reduce((a, b) => a + b, 0);
  const result = await load({ ...req, duration, overallRate: rate });
  const cpu1 = [...threadCpu(server.child.pid!).values()].reduce((a, b) => a + b, 0);
  await new Promise((r) => setTimeout(r, 2000));
  const rows = dests.map((id, i) => {
    const lat = (
      db
        .prepare(
          `SELECT "latencyMs" FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "status" = 'delivered' AND "receivedAt" >= ?`,
        )
        .all(id, t0) as { latencyMs: number }[]
    ).map((r) => r.latencyMs);
    return {
      name: `webhook ${i + 1}`,
      delivered: lat.length,
      p50: exactQuantile(lat, 0.5),
      p95: exactQuantile(lat, 0.95),
    };
  });
  const fnOutcomes = db
    .prepare(
      `SELECT "status", "errorType", COUNT(*) AS n FROM "DeliveryOutcome" WHERE "destinationId" NOT IN (?, ?) AND "receivedAt" >= ? GROUP BY 1, 2`,
    )
    .all(dests[0], dests[1], t0) as { status: string; errorType: string | null; n: number }[];
  await server.stop();
  for (const s of sinks) await s.close();
  db.close();
  return {
    title,
    accepted: result.total,
    cpuPerEventUs: (cpu1 - cpu0) / Math.max(1, result.total),
    rows,
    fnOutcomes,
  };
}

console.log(`functions bench: ${rate} events/s, ${duration} s per run (root ${root})\n`);
const step = await stepAlone();
console.log(
  "| insert-function step at 1,000 events/s | median µs | P95 µs | CPU µs/event (this process, incl. sandbox thread) |",
);
console.log("|---|---|---|---|");
for (const r of step) console.log(`| ${r.name} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.cpuUs)} |`);
// The second round's rows: the first warms up the pacing as well.
const overhead = step[4]!.p50! - step[3]!.p50!;
const floor = step[5]!.p50! - step[3]!.p50!;
const summary = `step median overhead: ${fmt(overhead)} µs (goal <= 50); of it the engine alone on this thread, paced: ${fmt(floor)} µs`;
// BENCH_STEP_ONLY=1: only the step (seconds instead of minutes, for iterating on the sandbox).
if (process.env.BENCH_STEP_ONLY) {
  console.log(`\n${summary}`);
  process.exit(0);
}

const runs = [
  await endToEnd("two webhooks", () => {}),
  await endToEnd("two webhooks, trivial insert function on webhook 1", (db, ws, dests) => {
    insertDeployedFunction(db, {
      workspaceId: ws,
      kind: "insert",
      code: "async function onTrack(event) { return event }",
      destinationId: dests[0],
    });
  }),
  await endToEnd(
    "two webhooks beside a destination function looping to its CPU limit on every event",
    (db, ws) => {
      const fnDest = insertDestination(db, {
        workspaceId: ws,
        sourceIds: [
          (db.prepare(`SELECT "id" FROM "Source" WHERE "workspaceId" = ?`).get(ws) as { id: string }).id,
        ],
        type: "function",
        name: "looping function",
        settings: {},
      });
      insertDeployedFunction(db, {
        workspaceId: ws,
        kind: "destination",
        code: "async function onTrack() { while (true) {} }",
        destinationId: fnDest,
      });
    },
  ),
];
console.log("\n| run | destination | delivered | P50 ms | P95 ms | server CPU µs/event |");
console.log("|---|---|---|---|---|---|");
for (const run of runs)
  for (const r of run.rows)
    console.log(
      `| ${run.title} | ${r.name} | ${fmt(r.delivered, 0)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(run.cpuPerEventUs, 0)} |`,
    );
for (const run of runs)
  if (run.fnOutcomes.length)
    console.log(`\n${run.title}: function destination outcomes ${JSON.stringify(run.fnOutcomes)}`);
console.log(
  `\n${summary}; webhooks' P95 beside the looping function: ${runs[2]!.rows.map((r) => fmt(r.p95)).join(" / ")} ms vs ${runs[0]!.rows.map((r) => fmt(r.p95)).join(" / ")} ms alone`,
);
process.exit(0);
