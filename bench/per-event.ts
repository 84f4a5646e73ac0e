// npx tsx bench/per-event.ts — what the hardening of issue 14 costs per event, in one process,
// as ratios to a baseline measured in the same run (JSON.parse of the same input):
//   - the value walk every message gets at ingest (lib/ingest/shape.ts: depth, numbers, and
//     strings when the body had \u escapes), on a batch of 500 realistic track messages;
//   - match() (lib/filters/glob.ts) on ordinary patterns and on the worst the 256-character cap
//     allows against a 32 KB value. BENCH_MS per measurement (default 1000).
import { singleBody } from "@/bench/lib/payloads";
import { compileGlob } from "@/lib/filters/glob";
import { inspectValue } from "@/lib/ingest/shape";

const MS = Number(process.env.BENCH_MS ?? 1000);

/** Milliseconds per call, best of three runs of MS each. */
function perCall(fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < MS) {
      fn();
      n++;
    }
    best = Math.min(best, (performance.now() - start) / n);
  }
  return best;
}

const fmt = (ms: number) => (ms < 0.01 ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(3)} ms`);

const message = JSON.parse(singleBody("bench")) as Record<string, unknown>;
const batchText = JSON.stringify({ batch: Array.from({ length: 500 }, () => message) });
const batch = (JSON.parse(batchText) as { batch: unknown[] }).batch;
const parse = perCall(() => JSON.parse(batchText));
const walk = perCall(() => {
  for (const m of batch) inspectValue(m, { strings: false });
});
const walkStrings = perCall(() => {
  for (const m of batch) inspectValue(m);
});
console.log(`value walk, 500 messages (${batchText.length} bytes); baseline JSON.parse ${fmt(parse)}`);
console.log(
  `  without string checks (no \\u in the body): ${fmt(walk)}  = ${(walk / parse).toFixed(2)}x parse`,
);
console.log(
  `  with string checks:                         ${fmt(walkStrings)}  = ${(walkStrings / parse).toFixed(2)}x parse`,
);

const big = "a".repeat(32_000);
const bigParse = perCall(() => JSON.parse(JSON.stringify(big)));
const cases: [string, string, string][] = [
  ["ordinary: Checkout*", "Checkout*", "Checkout Started"],
  ["ordinary: */*/*/*/*.pdf, 250 slashes", "*/*/*/*/*.pdf", "/".repeat(250)],
  ["literal chunk of 128 vs 32 KB", `*${"a".repeat(127)}b*${"a".repeat(126)}`, big],
  ["253 x ? vs 32 KB (worst the cap allows)", `*${"?".repeat(253)}b*`, big],
  ["50 classes vs 32 KB", `*${"[a-c]".repeat(50)}x*`, big],
];
console.log(`match(), baseline: JSON.parse of the 32 KB value ${fmt(bigParse)}`);
for (const [name, pattern, text] of cases) {
  const glob = compileGlob(pattern);
  const ms = perCall(() => glob.test(text));
  console.log(`  ${name.padEnd(42)} ${fmt(ms).padStart(10)}  = ${(ms / bigParse).toFixed(1)}x parse`);
}
