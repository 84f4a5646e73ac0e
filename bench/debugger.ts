// npx tsx bench/debugger.ts — the Source Debugger under load, against the real built server
// (`npx next build` first). In one run: tracking-API throughput with no debugger open, the same
// with 5 viewers streaming the source, then a fixed 1,000 events/s with 5 viewers measuring
// ingest -> SSE-received latency (receivedAt stamped by the server -> the viewer's clock, same host).
// BENCH_DURATION (s per run, default 10), BENCH_ROUNDS (default 3).
import { encode } from "next-auth/jwt";
import { singleBody } from "@/bench/lib/payloads";
import { load } from "@/bench/lib/run";
import { startServer, TEST_AUTH_SECRET } from "@/e2e/support/server";

const SECONDS = Number(process.env.BENCH_DURATION ?? 10);
const VIEWERS = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function percentile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

async function viewer(url: string, cookie: string, latencies: number[], signal: AbortSignal) {
  const res = await fetch(url, { headers: { cookie }, signal });
  const decoder = new TextDecoder();
  let buffer = "";
  let received = 0;
  (async () => {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const now = Date.now();
        buffer += decoder.decode(chunk, { stream: true });
        let idx = buffer.indexOf("\n\n");
        while (idx >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const data = block.split("\n").find((l) => l.startsWith('data: {"seq"'));
          if (data) {
            received++;
            latencies.push(now - (JSON.parse(data.slice(6)) as { receivedAt: number }).receivedAt);
          }
          idx = buffer.indexOf("\n\n");
        }
      }
    } catch {}
  })();
  return () => received;
}

async function main() {
  const server = await startServer({
    port: 3400,
    dataDir: "data/bench-debugger",
    fresh: true,
    env: { DELIVERY_IN_PROCESS: "false" },
  });
  try {
    const signup = await fetch(`${server.url}/api/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "Bench",
        email: "bench@example.com",
        password: "bench-password-1",
        workspaceName: "Bench",
      }),
    });
    const { workspace } = (await signup.json()) as { workspace: { slug: string } };
    Object.assign(process.env, server.env); // read the server's database with its settings
    const { getDb } = await import("@/lib/db");
    const user = await getDb().user.findUniqueOrThrow({ where: { email: "bench@example.com" } });
    const cookie = `next-auth.session-token=${await encode({ token: { sub: user.id, sv: 0, authAt: Math.floor(Date.now() / 1000) }, secret: TEST_AUTH_SECRET })}`;
    const created = await fetch(`${server.url}/api/workspaces/${workspace.slug}/sources`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ name: "Web", type: "website", environment: "dev" }),
    });
    const { source, writeKey } = (await created.json()) as { source: { id: string }; writeKey: string };
    const target = {
      url: `${server.url}/v1/track`,
      body: singleBody(writeKey),
      headers: {
        "content-type": "text/plain",
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
      },
      connections: 50,
      duration: SECONDS,
    };

    await load({ ...target, duration: 3 }); // warm-up
    // Interleaved rounds (without, with, without, with...): the machine's own drift between runs is
    // as large as the effect being measured, so each side is the mean of its rounds.
    const latencies: number[] = [];
    const streamUrl = `${server.url}/api/workspaces/${workspace.slug}/sources/${source.id}/debugger`;
    const aloneRuns: number[] = [];
    const watchedRuns: number[] = [];
    let controller = new AbortController();
    let counters: (() => number)[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      aloneRuns.push((await load(target)).requestsPerSec);
      controller = new AbortController();
      counters = await Promise.all(
        Array.from({ length: VIEWERS }, () => viewer(streamUrl, cookie, latencies, controller.signal)),
      );
      await new Promise((r) => setTimeout(r, 1000));
      watchedRuns.push((await load(target)).requestsPerSec);
      if (round < ROUNDS - 1) controller.abort();
      await new Promise((r) => setTimeout(r, 500));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
    latencies.length = 0;
    const before = counters.map((c) => c());
    const paced = await load({ ...target, connections: 20, overallRate: 1000 });
    const shown = counters.map((c, i) => c() - before[i]!);
    controller.abort();

    console.log(
      `\nTracking API throughput, ${ROUNDS} interleaved rounds of ${SECONDS} s, 50 connections (POST /v1/track, ~600 B):`,
    );
    console.log(`  no debugger open:      ${mean(aloneRuns).toFixed(0)} req/s (runs: ${runs(aloneRuns)})`);
    console.log(
      `  ${VIEWERS} viewers streaming:   ${mean(watchedRuns).toFixed(0)} req/s (runs: ${runs(watchedRuns)})`,
    );
    console.log(
      `  ratio with/without:    ${(mean(watchedRuns) / mean(aloneRuns)).toFixed(3)}   (target >= 0.95)`,
    );
    console.log(
      `\nAt ${(paced.requestsPerSec).toFixed(0)} events/s with ${VIEWERS} viewers, ingest -> SSE received (${latencies.length} events seen):`,
    );
    console.log(
      `  p50 ${percentile(latencies, 0.5)} ms   p95 ${percentile(latencies, 0.95)} ms   p99 ${percentile(latencies, 0.99)} ms   (target p95 <= 100 ms)`,
    );
    console.log(
      `  events shown per viewer: ${shown.join(", ")} of ${paced.total} sent (the rest announced as sampled)`,
    );
  } finally {
    await server.stop();
  }
}

await main();
