import os from "node:os";
import { budgetAtHalf, type Loaded, measure, printSummary, summarise, threadCpu } from "@/bench/lib/cpu";
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
// For the product and the indexer modes it then loads the server alone for BENCH_SUSTAIN
// seconds and waits until the archive holds every acknowledged event: acknowledged events /
// (load + catch-up) is the rate at which messages end up archived (the prototype has no
// backpressure, so its acks run ahead meanwhile), and all of the server's CPU over that time per
// event is what one archived event costs. Between rounds the prototype's archive is let catch
// up, so its backlog never runs while the bare server is measured. Linux only (/proc).

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

const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");
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
  const indexer = mode.includes("indexer");
  for (let r = 0; r < rounds; r++) {
    // The archive's backlog must not run while the bare server is measured (it did, in the first
    // version of this bench: bare lost up to half its rate), nor carry over into the next round.
    if (indexer) await catchUp(server);
    runs.bare.push(await measure(bare, opts));
    if (indexer) await catchUp(server);
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
  // Sustained: the server alone for BENCH_SUSTAIN s, then until its archive holds every ack.
  // The product archives before it answers; the prototype's archive catches up afterwards.
  let sustained = "–";
  if (mode === "switchyard" || indexer) {
    if (indexer) await catchUp(server);
    const before = indexer ? await stats(server) : { acked: 0, indexed: 0 };
    const cpu0 = threadCpu(server.child.pid!);
    const r = await load({
      url: `${server.url}/v1/batch`,
      body,
      headers,
      connections: 50,
      duration: sustain,
    });
    const loaded = indexer ? await stats(server) : null;
    const done = indexer ? await catchUp(server) : { seconds: 0, behind: 0 };
    const cpu1 = threadCpu(server.child.pid!);
    const acked = loaded ? loaded.acked - before.acked : (r.total - r.non2xx) * batchSize;
    let cpu = 0;
    for (const [name, us] of cpu1) cpu += us - (cpu0.get(name) ?? 0);
    const endToEnd = acked / (sustain + done.seconds);
    const archivedDuring = loaded
      ? `${fmtInt((loaded.indexed - before.indexed) / sustain)} events/s archived meanwhile, `
      : "";
    console.log(
      `sustained: ${sustain} s alone at ${fmtInt(acked / sustain)} events/s acknowledged (p99 ${r.p99} ms), ${archivedDuring}` +
        `archive complete ${done.seconds.toFixed(1)} s after the load${done.behind > 0 ? ` (still ${done.behind} behind: gave up)` : ""}; ` +
        `end to end ${fmtInt(endToEnd)} events/s archived = ${(endToEnd / b.eventsPerSec).toFixed(2)}x bare, ` +
        `${(cpu / acked).toFixed(1)} µs of server CPU per archived event`,
    );
    sustained = `${fmtInt(endToEnd)} (${(endToEnd / b.eventsPerSec).toFixed(2)}), ${(cpu / acked).toFixed(1)} µs`;
  }
  rows.push(
    `| ${mode.padEnd(22)} | ${Math.round(b.eventsPerSec).toLocaleString("en-US").padStart(9)} | ${Math.round(p.eventsPerSec).toLocaleString("en-US").padStart(9)} | ${ratio.toFixed(2)} | ${p.server.toFixed(1)} / ${budget.server.toFixed(1)} | ${(p.perThread.get("event loop") ?? 0).toFixed(1)} | ${sustained} |`,
  );
  await server.stop();
  removeDbFile(dbFile);
}
await bare.stop();
console.log(
  "\n| mode | bare events/s | events/s | ratio | server µs per event / budget | event loop µs | archived end to end, events/s (ratio), CPU per archived event |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const row of rows) console.log(row);
