import os from "node:os";
import { budgetAtHalf, type Loaded, measure, printSummary, summarise } from "@/bench/lib/cpu";
import { batchBody } from "@/bench/lib/payloads";
import { load, type ServerProcess, startServer } from "@/bench/lib/run";
import {
  basicAuth,
  insertSource,
  openMigrated,
  removeDbFile,
  tempDbFile,
} from "@/lib/ingest/testing/fixtures";

// Would a log-structured archive reach /v1/batch events/s >= 0.5x bare on this machine?
//   npm run bench:log
//   env: BENCH_DURATION=8 (s per loaded run)  BENCH_ROUNDS=2  BENCH_BATCH=100  BENCH_SUSTAIN=24
//        BENCH_MODES=switchyard,inline,workers,workers+indexer,workers+idle-indexer
// Loads, in turn with the bare server (same body, -c 50, interleaved rounds, medians), the
// product and a prototype of the alternative (bench/lib/log-server.ts): acknowledge once the raw
// body and a sidecar are fdatasync'd in an append-only log, build the per-message archive
// (dedup, indexes: the product's own prepareMessages + SqliteArchiveStore) behind it. Modes:
//   inline                 parse + validate + log on the event loop, no archive at all
//   workers                the same in 2 worker threads (one log partition each), no archive
//   workers+indexer        + the archive built concurrently at normal priority
//   workers+idle-indexer   + the archive built at nice 19, so it yields to the ack path
// For the indexer modes it then loads the prototype alone for BENCH_SUSTAIN seconds and waits
// until the archive has caught up: acknowledged events / (load + catch-up) is the rate the
// whole thing sustains, which is what a longer run would converge to. Linux only (/proc).

const duration = Number(process.env.BENCH_DURATION ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const batchSize = Number(process.env.BENCH_BATCH ?? 100);
const sustain = Number(process.env.BENCH_SUSTAIN ?? 24);
const modes = (
  process.env.BENCH_MODES ?? "switchyard,inline,workers,workers+indexer,workers+idle-indexer"
).split(",");
const cores = os.cpus().length;

const MODE_ENV: Record<string, Record<string, string>> = {
  inline: { LOG_WORKERS: "0", LOG_INDEXER: "off" },
  workers: { LOG_WORKERS: "2", LOG_INDEXER: "off" },
  "workers+indexer": { LOG_WORKERS: "2", LOG_INDEXER: "normal" },
  "workers+idle-indexer": { LOG_WORKERS: "2", LOG_INDEXER: "idle" },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stats(server: ServerProcess): Promise<{ acked: number; indexed: number }> {
  return (await (await fetch(`${server.url}/stats`)).json()) as { acked: number; indexed: number };
}

/** Seconds until the archive holds every acknowledged event (polling every 100 ms). */
async function catchUp(server: ServerProcess, limitS = 300): Promise<{ seconds: number; behind: number }> {
  const t0 = performance.now();
  for (;;) {
    const s = await stats(server);
    const seconds = (performance.now() - t0) / 1000;
    if (s.indexed >= s.acked || seconds > limitS) return { seconds, behind: s.acked - s.indexed };
    await sleep(100);
  }
}

console.log(
  `node ${process.version}, ${cores} CPUs; /v1/batch, ${batchSize} messages per request, -c 50, ${rounds} interleaved rounds × ${duration} s per mode`,
);
const bare = await startServer("bench/lib/bare-server.ts");
const rows: string[] = [];
for (const mode of modes) {
  const dbFile = tempDbFile("switchyard-logdesign-");
  const db = openMigrated(dbFile);
  const source = insertSource(db);
  db.close();
  const headers = { "content-type": "application/json", authorization: basicAuth(source.writeKey) };
  const body = batchBody(source.writeKey, batchSize);
  const opts = { body, headers, batchSize, duration };
  const server =
    mode === "switchyard"
      ? await startServer("lib/ingest/testing/serve.ts", [dbFile])
      : await startServer(
          "bench/lib/log-server.ts",
          [dbFile, source.writeKey, source.workspaceId, source.id],
          MODE_ENV[mode] ?? {},
        );
  for (const s of [bare, server])
    await load({ url: `${s.url}/v1/batch`, body, headers, connections: 50, duration: 2 });
  const runs: Record<"bare" | "mode", Loaded[]> = { bare: [], mode: [] };
  for (let r = 0; r < rounds; r++) {
    runs.bare.push(await measure(bare, opts));
    runs.mode.push(await measure(server, opts));
  }
  const b = summarise(runs.bare);
  const p = summarise(runs.mode);
  console.log(`\n==== ${mode}`);
  printSummary("bare", b);
  printSummary(mode, p);
  const budget = budgetAtHalf(b, p.generator, cores);
  const ratio = p.eventsPerSec / b.eventsPerSec;
  console.log(
    `ratio ${ratio.toFixed(2)}; budget at 0.5x bare ${budget.server.toFixed(1)} µs per event (event loop ${budget.loop.toFixed(1)}); spent ${p.server.toFixed(1)}`,
  );
  let sustained = "";
  if (mode.includes("indexer")) {
    const first = await catchUp(server);
    console.log(`archive caught up with the interleaved rounds ${first.seconds.toFixed(1)} s after them`);
    const before = await stats(server);
    const r = await load({
      url: `${server.url}/v1/batch`,
      body,
      headers,
      connections: 50,
      duration: sustain,
    });
    const loaded = await stats(server);
    const done = await catchUp(server);
    const acked = loaded.acked - before.acked;
    const indexedDuring = loaded.indexed - before.indexed;
    const endToEnd = acked / (sustain + done.seconds);
    console.log(
      `sustained: ${sustain} s alone at ${Math.round(acked / sustain).toLocaleString("en-US")} events/s acknowledged (p99 ${r.p99} ms), ` +
        `${Math.round(indexedDuring / sustain).toLocaleString("en-US")} events/s archived meanwhile; ` +
        `archive complete ${done.seconds.toFixed(1)} s after the load${done.behind > 0 ? ` (still ${done.behind} behind: gave up)` : ""}; ` +
        `end to end ${Math.round(endToEnd).toLocaleString("en-US")} events/s = ${(endToEnd / b.eventsPerSec).toFixed(2)}x bare`,
    );
    sustained = `${Math.round(endToEnd).toLocaleString("en-US")} (${(endToEnd / b.eventsPerSec).toFixed(2)})`;
  }
  rows.push(
    `| ${mode.padEnd(22)} | ${Math.round(b.eventsPerSec).toLocaleString("en-US").padStart(9)} | ${Math.round(p.eventsPerSec).toLocaleString("en-US").padStart(9)} | ${ratio.toFixed(2)} | ${p.server.toFixed(1)} / ${budget.server.toFixed(1)} | ${(p.perThread.get("event loop") ?? 0).toFixed(1)} | ${sustained || "–"} |`,
  );
  await server.stop();
  removeDbFile(dbFile);
}
await bare.stop();
console.log(
  "\n| mode | bare events/s | events/s | ratio | server µs per event / budget | event loop µs | sustained end to end (ratio) |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const row of rows) console.log(row);
