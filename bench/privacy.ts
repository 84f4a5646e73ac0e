import os from "node:os";
import { batchBody, singleBody } from "@/bench/lib/payloads";
import { load, median, startServer } from "@/bench/lib/run";
import {
  basicAuth,
  insertSource,
  openMigrated,
  removeDbFile,
  tempDbFile,
} from "@/lib/ingest/testing/fixtures";

// Ingest with privacy on vs off, same machine, same run, same bodies (which carry an email,
// a phone number and a name, so the matchers find something).
//   npm run bench:privacy
//   env: BENCH_DURATION=5 (s per run)  BENCH_ROUNDS=3  BENCH_CONNECTIONS=50  BENCH_BATCH=100
// Three ingest servers, each on its own database holding the same source: privacy off; privacy
// on as shipped (built-in matchers, detection sampled at 50 messages/s per workspace, a
// suppression list and a workspace-blocked Red field, so every message pays the lookups); and
// privacy on scanning every message (what sampling saves). Rounds alternate between them.
// Target: shipped / off >= 0.85 for /v1/track req/s and /v1/batch events/s.

const duration = Number(process.env.BENCH_DURATION ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const batchSize = Number(process.env.BENCH_BATCH ?? 100);
const writeKey = `wk_bench_privacy_${process.pid}`;

function withPii(body: string): string {
  const withTraits = (m: Record<string, unknown>) => ({
    ...m,
    properties: { ...(m.properties as object), customer_email: "ada@example.com", phone: "+1 415 555 2671" },
    context: { ...(m.context as object), traits: { firstName: "Ada", ssn: "123-45-6789" } },
  });
  const parsed = JSON.parse(body) as Record<string, unknown>;
  if (Array.isArray(parsed.batch)) parsed.batch = parsed.batch.map(withTraits);
  return JSON.stringify(Array.isArray(parsed.batch) ? parsed : withTraits(parsed));
}

const files: string[] = [];
function database(privacySettings: boolean): string {
  const file = tempDbFile("switchyard-bench-privacy-");
  files.push(file);
  const db = openMigrated(file);
  const source = insertSource(db, { writeKey, workspaceId: "ws_bench" });
  if (privacySettings) {
    const now = Date.now();
    const suppress = db.prepare(
      `INSERT INTO "PrivacySuppression" ("workspaceId", "userId", "createdBy", "createdAt") VALUES (?, ?, 'bench', ?)`,
    );
    for (let i = 0; i < 1000; i++) suppress.run(source.workspaceId, `suppressed-${i}`, now);
    db.prepare(
      `INSERT INTO "PrivacyField" ("workspaceId", "path", "matcher", "suggested", "classification", "blockAtIngest", "firstSeen", "lastSeen", "updatedAt")
       VALUES (?, 'context.traits.ssn', 'us_ssn', 'red', 'red', 1, ?, ?, ?)`,
    ).run(source.workspaceId, now, now, now);
  }
  db.close();
  return file;
}

const servers = {
  off: await startServer("lib/ingest/testing/serve.ts", [database(false)], { INGEST_PRIVACY: "off" }),
  shipped: await startServer("lib/ingest/testing/serve.ts", [database(true)], {}),
  scanAll: await startServer("lib/ingest/testing/serve.ts", [database(true)], {
    INGEST_PRIVACY_SCANS: "1000000",
  }),
};
const headers = { "content-type": "application/json", authorization: basicAuth(writeKey) };
const endpoints = [
  { name: "/v1/track", path: "/v1/track", body: withPii(singleBody(writeKey)), perRequest: 1 },
  {
    name: `/v1/batch (${batchSize})`,
    path: "/v1/batch",
    body: withPii(batchBody(writeKey, batchSize)),
    perRequest: batchSize,
  },
];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

console.log(
  `node ${process.version}, ${os.cpus().length} CPUs; ${rounds} interleaved rounds × ${duration} s at -c ${connections}; track body ${Buffer.byteLength(endpoints[0]!.body)} B`,
);
for (const e of endpoints)
  for (const s of Object.values(servers))
    await load({ url: s.url + e.path, body: e.body, headers, connections, duration: 2 });

const summary: string[] = [];
for (const e of endpoints) {
  const rps: Record<keyof typeof servers, number[]> = { off: [], shipped: [], scanAll: [] };
  for (let r = 0; r < rounds; r++) {
    for (const name of Object.keys(servers) as (keyof typeof servers)[]) {
      const result = await load({
        url: servers[name].url + e.path,
        body: e.body,
        headers,
        connections,
        duration,
      });
      if (result.errors + result.non2xx > 0)
        console.log(`  ${name}: ${result.errors + result.non2xx} errors`);
      rps[name].push(result.requestsPerSec * e.perRequest);
    }
  }
  const m = { off: median(rps.off), shipped: median(rps.shipped), scanAll: median(rps.scanAll) };
  console.log(`${e.name}: events/s (median of rounds)`);
  for (const name of Object.keys(m) as (keyof typeof m)[])
    console.log(
      `  ${name.padEnd(8)} ${fmt(m[name]).padStart(9)}  (rounds ${rps[name].map(fmt).join(" / ")})`,
    );
  summary.push(
    `${e.name.padEnd(16)} privacy on / off ${(m.shipped / m.off).toFixed(2)} (target >= 0.85); scanning every message / off ${(m.scanAll / m.off).toFixed(2)}`,
  );
}
for (const s of Object.values(servers)) await s.stop();
for (const f of files) removeDbFile(f);
console.log(`\n${summary.join("\n")}`);
