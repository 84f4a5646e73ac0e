import { startDelivery } from "@/lib/delivery/runner";
import {
  archive,
  insertDestination,
  insertWorkspaceAndSource,
  TEST_KEY,
  tempDb,
  track,
} from "@/lib/delivery/testing/fixtures";
import { startSink } from "@/lib/delivery/testing/sink";
import { exactQuantile } from "@/lib/metrics/histogram";

// A dead destination with a large backlog, with and without the circuit breaker (the baseline,
// measured in the same run): requests per second the endpoint receives after its first minute of
// failures, then how fast the backlog drains once it answers again and the P95 of events sent
// after recovery. Production delivery settings (1 s backoff base, 16 in flight, breaker defaults).
//   npx tsx bench/breaker.ts     (BENCH_PENDING=10000 BENCH_DEAD_S=90 BENCH_BASELINE_S=30)

const pending = Number(process.env.BENCH_PENDING ?? 10_000);
const deadS = Number(process.env.BENCH_DEAD_S ?? 90);
const baselineS = Number(process.env.BENCH_BASELINE_S ?? 30);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(label: string, breakerOn: boolean, seconds: number, recover: boolean) {
  const { db } = tempDb("switchyard-bench-breaker-");
  const where = insertWorkspaceAndSource(db);
  const sink = await startSink({ kind: "status", status: 500 }, { record: false });
  const dest = insertDestination(db, {
    workspaceId: where.workspaceId,
    sourceIds: [where.sourceId],
    type: "webhook",
    name: "Dead",
    settings: { url: sink.url },
  });
  for (let i = 0; i < pending; i += 1000)
    archive(
      db,
      where,
      Array.from({ length: Math.min(1000, pending - i) }, (_, k) =>
        track("Backlog", { messageId: `b-${i + k}` }),
      ),
    );
  const runner = startDelivery({
    db,
    config: {
      allowPrivate: true,
      ...(breakerOn
        ? {}
        : { breaker: { threshold: 1e9, baseMs: 1000, maxMs: 30_000, maxRetryAfterMs: 600_000 } }),
    },
    encryptionKey: TEST_KEY,
    tap: null,
    startFrom: "beginning",
  });
  const t0 = Date.now();
  const perSecond: number[] = [];
  let last = 0;
  // A trickle of live events (5/s) throughout.
  let live = 0;
  const trickle = setInterval(() => {
    archive(
      db,
      where,
      Array.from({ length: 5 }, () => track("Live", { messageId: `l-${live++}` })),
    );
    runner.wake();
  }, 1000);
  for (let s = 0; s < seconds; s++) {
    await sleep(1000);
    perSecond.push(sink.count - last);
    last = sink.count;
  }
  const settleFrom = Math.min(60, Math.floor((seconds * 2) / 3));
  const tail = perSecond.slice(settleFrom);
  const result: Record<string, number | string> = {
    label,
    "requests in the first minute": perSecond.slice(0, 60).reduce((a, b) => a + b, 0),
    [`requests/s after ${settleFrom} s`]: Number(
      (tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length)).toFixed(2),
    ),
  };
  if (recover) {
    sink.setMode({ kind: "ok" });
    const back = Date.now();
    const jobs = () =>
      db.prepare(`SELECT COUNT(*) FROM "DeliveryJob" WHERE "destinationId" = ?`).pluck().get(dest) as number;
    while (jobs() > 0 && Date.now() - back < 600_000) await sleep(250);
    result["backlog drained in s"] = Number(((Date.now() - back) / 1000).toFixed(1));
    const afterRecovery = Date.now();
    await sleep(10_000);
    const lat = db
      .prepare(
        `SELECT "latencyMs" FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "status" = 'delivered' AND "receivedAt" >= ?`,
      )
      .pluck()
      .all(dest, afterRecovery) as number[];
    result["P95 of live events after the drain (ms)"] = lat.length
      ? Math.round(exactQuantile(lat, 0.95)!)
      : "n/a";
    result["still queued"] = jobs();
  }
  clearInterval(trickle);
  await runner.stop({ graceMs: 100 });
  await sink.close();
  db.close();
  void t0;
  return result;
}

const withBreaker = await run("circuit breaker (default settings)", true, deadS, true);
const baseline = await run("baseline: per-message backoff only", false, baselineS, false);
console.log(withBreaker);
console.log(baseline);
const a = Object.entries(withBreaker).find(([k]) => k.startsWith("requests/s"))![1] as number;
const b = Object.entries(baseline).find(([k]) => k.startsWith("requests/s"))![1] as number;
console.log(
  `ratio of requests/s to the dead endpoint, breaker / baseline: ${(a / Math.max(b, 0.001)).toFixed(4)}`,
);
