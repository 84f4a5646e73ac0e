import { spawn } from "node:child_process";
import path from "node:path";
import type Database from "better-sqlite3";
import { singleBody } from "@/bench/lib/payloads";
import { load, startServer } from "@/bench/lib/run";
import { insertDestination, tempDb } from "@/lib/delivery/testing/fixtures";
import { basicAuth, insertSource } from "@/lib/ingest/testing/fixtures";
import { exactQuantile, Histogram } from "@/lib/metrics/histogram";

// End-to-end delivery: POST /v1/track at a fixed rate into the real ingest + delivery process,
// fanned out to three local webhook destinations (in a separate process). Latency is receivedAt
// -> the destination's acknowledgement, as the runner records it. Two runs: three healthy
// destinations; then one of them replaced by one that never answers (every request times out).
//   npx tsx bench/delivery.ts     (BENCH_DURATION=60 BENCH_RATE=1000 BENCH_CONNECTIONS=20)
// Targets: P95 <= 250 ms at 1,000 events/s, no backlog growth; same P95 for the healthy two
// while the third times out.

const duration = Number(process.env.BENCH_DURATION ?? 60);
const rate = Number(process.env.BENCH_RATE ?? 1000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const root = path.resolve(import.meta.dirname, "..");

async function startSinks(): Promise<{ ok: number[]; hang: number; stop(): void }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/lib/delivery-sinks.ts"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ports = await new Promise<{ ok: number[]; hang: number }>((resolve) =>
    child.stdout!.once("data", (d: Buffer) => resolve(JSON.parse(String(d).split("\n")[0]!))),
  );
  return { ...ports, stop: () => child.kill("SIGTERM") };
}

const backlog = (db: Database.Database, id: string) =>
  (db.prepare(`SELECT COUNT(*) AS n FROM "DeliveryJob" WHERE "destinationId" = ?`).get(id) as { n: number })
    .n;

interface DestResult {
  name: string;
  delivered: number;
  notDelivered: number;
  pending: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  histP95: number | null;
  sameRowsP95: number | null;
  backlog: number[];
}

async function scenario(title: string, targets: { name: string; port: number; healthy: boolean }[]) {
  const { file, db } = tempDb("switchyard-bench-delivery-");
  const source = insertSource(db);
  const dests = targets.map((t) => ({
    ...t,
    id: insertDestination(db, {
      workspaceId: source.workspaceId,
      sourceIds: [source.id],
      type: "webhook",
      name: t.name,
      settings: { url: `http://127.0.0.1:${t.port}/hook` },
    }),
    backlog: [] as number[],
  }));
  const server = await startServer("bench/lib/delivery-server.ts", [file]);
  const req = {
    url: `${server.url}/v1/track`,
    body: singleBody(source.writeKey),
    headers: { "content-type": "application/json", authorization: basicAuth(source.writeKey) },
    connections,
  };
  await load({ ...req, duration: 3, overallRate: rate }); // warm-up: JIT, page cache, sockets
  const t0 = Date.now();
  const sampler = setInterval(() => {
    for (const d of dests) d.backlog.push(backlog(db, d.id));
  }, 5000);
  const result = await load({ ...req, duration, overallRate: rate });
  clearInterval(sampler);
  // Let routing catch up with the archive and the healthy destinations finish the last messages.
  const routed = () =>
    (
      db
        .prepare(`SELECT (SELECT "lastSeq" FROM "RoutingCursor") >= (SELECT MAX("seq") FROM "Message") AS ok`)
        .get() as { ok: number }
    ).ok;
  for (let i = 0; i < 100 && (!routed() || dests.some((d) => d.healthy && backlog(db, d.id) > 0)); i++)
    await new Promise((r) => setTimeout(r, 100));
  const rows: DestResult[] = dests.map((d) => {
    const lat = (
      db
        .prepare(
          `SELECT "latencyMs" FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "status" = 'delivered' AND "receivedAt" >= ?`,
        )
        .all(d.id, t0) as { latencyMs: number }[]
    ).map((r) => r.latencyMs);
    const counts = db
      .prepare(
        `SELECT SUM(CASE WHEN "status" = 'delivered' THEN 1 ELSE 0 END) AS "ok", SUM(CASE WHEN "status" = 'not_delivered' THEN 1 ELSE 0 END) AS "no"
         FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "receivedAt" >= ?`,
      )
      .get(d.id, t0) as { ok: number | null; no: number | null };
    // The rollups hold whole minutes (warm-up included), so compare them with the exact P95 of
    // the same rows: every delivery finished since the first rolled-up minute.
    const minute0 = Math.floor(t0 / 60_000) * 60_000;
    const minutes = db
      .prepare(`SELECT "latencyHist" FROM "DeliveryRollup" WHERE "destinationId" = ? AND "minute" >= ?`)
      .all(d.id, minute0) as { latencyHist: string }[];
    const sameRows = (
      db
        .prepare(
          `SELECT "latencyMs" FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "status" = 'delivered' AND "finishedAt" >= ?`,
        )
        .all(d.id, minute0) as { latencyMs: number }[]
    ).map((r) => r.latencyMs);
    return {
      name: d.name,
      delivered: counts.ok ?? 0,
      notDelivered: counts.no ?? 0,
      pending: backlog(db, d.id),
      p50: exactQuantile(lat, 0.5),
      p95: exactQuantile(lat, 0.95),
      p99: exactQuantile(lat, 0.99),
      histP95: Histogram.mergeEncoded(minutes.map((m) => m.latencyHist)).quantile(0.95),
      sameRowsP95: exactQuantile(sameRows, 0.95),
      backlog: d.backlog,
    };
  });
  for (const d of dests.filter((x) => x.healthy && backlog(db, x.id) > 0))
    console.log(
      `${title} / ${d.name}: still pending`,
      db
        .prepare(
          `SELECT "attempts", "lastErrorType", "lastError", "nextAttemptAt" - ? AS "dueIn", "leaseUntil" - ? AS "leaseIn", COUNT(*) AS n
           FROM "DeliveryJob" WHERE "destinationId" = ? GROUP BY 1, 2, 3, 4, 5 LIMIT 5`,
        )
        .all(Date.now(), Date.now(), d.id),
    );
  await server.stop();
  db.close();
  return {
    title,
    accepted: result.total,
    reqPerSec: result.requestsPerSec,
    non2xx: result.non2xx,
    errors: result.errors,
    rows,
  };
}

const fmt = (n: number | null) =>
  n === null ? "–" : n.toLocaleString("en-US", { maximumFractionDigits: 1 });
const sinks = await startSinks();
console.log(
  `delivery bench: ${rate} events/s for ${duration} s, ${connections} connections, 3 webhook destinations each run`,
);
const healthy = await scenario("three healthy destinations", [
  { name: "sink A", port: sinks.ok[0]!, healthy: true },
  { name: "sink B", port: sinks.ok[1]!, healthy: true },
  { name: "sink C", port: sinks.ok[2]!, healthy: true },
]);
const degraded = await scenario("sink C times out on every request", [
  { name: "sink A", port: sinks.ok[0]!, healthy: true },
  { name: "sink B", port: sinks.ok[1]!, healthy: true },
  { name: "sink C (hangs)", port: sinks.hang, healthy: false },
]);
sinks.stop();

console.log(
  "\n| run | destination | delivered | not delivered | pending at end | P50 ms | P95 ms | P99 ms | rollup P95 / exact, same rows | backlog every 5 s |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const run of [healthy, degraded]) {
  for (const r of run.rows)
    console.log(
      `| ${run.title} | ${r.name} | ${fmt(r.delivered)} | ${fmt(r.notDelivered)} | ${fmt(r.pending)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.histP95)} / ${fmt(r.sameRowsP95)} | ${r.backlog.join(" ")} |`,
    );
}
for (const run of [healthy, degraded])
  console.log(
    `\n${run.title}: ${fmt(run.accepted)} requests accepted (${fmt(run.reqPerSec)}/s), non-2xx ${run.non2xx}, errors ${run.errors}`,
  );
const worst = (run: typeof healthy, names: string[]) =>
  Math.max(...run.rows.filter((r) => names.includes(r.name)).map((r) => r.p95 ?? Infinity));
console.log(
  `\nP95 healthy run (worst of 3): ${fmt(worst(healthy, ["sink A", "sink B", "sink C"]))} ms (target <= 250)`,
);
console.log(
  `P95 of A and B while C times out: ${fmt(worst(degraded, ["sink A", "sink B"]))} ms (target: same as above)`,
);
