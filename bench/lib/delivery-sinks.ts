import { startSink } from "@/lib/delivery/testing/sink";

// Local destinations for bench/delivery.ts, in their own process so their CPU is not the
// runner's: three that answer 200 at once and one that never answers (the "timing out" one).
//   node --import tsx bench/lib/delivery-sinks.ts   -> prints {"ok":[p1,p2,p3],"hang":p4}

const ok = await Promise.all([0, 1, 2].map(() => startSink({ kind: "ok" }, { record: false })));
const hang = await startSink({ kind: "hang" }, { record: false });
process.stdout.write(`${JSON.stringify({ ok: ok.map((s) => s.port), hang: hang.port })}\n`);
process.on("SIGTERM", async () => {
  await Promise.all([...ok, hang].map((s) => s.close()));
  process.exit(0);
});
