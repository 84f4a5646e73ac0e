import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { getUseCase } from "@/lib/catalog/use-cases";
import { openPgPool } from "@/lib/db/pg";
import { archivedTrack, insertPgSource } from "@/lib/db/pg-fixtures";
import { migratePg } from "@/lib/db/pg-migrate";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { createTestDatabase } from "@/lib/db/pg-testing";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { acceptedPerSourceSince } from "@/lib/ingest/sqlite-store";
import { observe } from "@/lib/protocols/observe";
import { readSchema, schemaQuery } from "@/lib/protocols/queries";
import { arrivals } from "@/lib/use-cases/facts";

// What a console page view costs the event loop of a web instance on PostgreSQL
// (npm run bench:console-reads-pg; env BENCH_MESSAGES=200000 BENCH_DURATION=5 TEST_PG_URL=…).
// The instance that shows the console also takes tracking calls: whatever stops its event loop
// delays every tracking request it holds. An archive of BENCH_MESSAGES messages over the last 36
// hours; then the event loop's delay (node:perf_hooks monitorEventLoopDelay, 1 ms resolution) is
// measured for BENCH_DURATION seconds (a) idle and (b) while the Sources list's 24-hour counts, the
// guided setup's arrival checks and a Source Schema page are read back to back, and (b) is printed
// against (a). Reads on the blocking connection stop the loop for as long as they take; reads on
// the asynchronous pool (lib/db/work.ts) do not.

const messages = Number(process.env.BENCH_MESSAGES ?? 200_000);
const duration = Number(process.env.BENCH_DURATION ?? 5);
const ms = (ns: number) => (ns / 1e6).toFixed(1);

const pgDb = await createTestDatabase("switchyard_bench_console");
const pool = openPgPool(pgDb.url, 4);
await migratePg(pool);
const source = await insertPgSource(pool);
const store = new PgArchiveStore(pool);
const now = Date.now();
const events = ["Order Completed", "Product Viewed", "Signed Up", "Cart Viewed"];
for (let i = 0; i < messages; i += 2000) {
  await store.append(
    Array.from({ length: Math.min(2000, messages - i) }, (_, k) => {
      const n = i + k;
      const event = events[n % events.length]!;
      return {
        ...archivedTrack(source, `m-${n}`),
        event,
        receivedAt: now - 36 * 3_600_000 + Math.floor((n / messages) * 36 * 3_600_000),
        observation: observe({ type: "track", event, properties: { total: n % 100, currency: "EUR" } }),
      };
    }),
  );
}
await store.flushSchema();

const sync = new PgSyncDatabase(pgDb.url);
const db = sync.asDatabase();
const useCase = getUseCase("personalize-communications", "personalize-winback")!;

async function phase(withReads: boolean) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const until = Date.now() + duration * 1000;
  let reads = 0;
  let readMs = 0;
  while (Date.now() < until) {
    if (!withReads) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    const t = performance.now();
    await acceptedPerSourceSince(db, source.workspaceId, Date.now() - 86_400_000);
    await arrivals(useCase, [source.id], db);
    await readSchema(db, source.id, schemaQuery.parse({}));
    readMs += performance.now() - t;
    reads++;
    // Let timers run between page views, as a server between requests would.
    await new Promise((resolve) => setImmediate(resolve));
  }
  delay.disable();
  return { reads, readMs, p99: delay.percentile(99), max: delay.max, mean: delay.mean };
}

console.log(
  `node ${process.version}, ${os.cpus().length} CPUs; ${messages.toLocaleString("en-US")} archived messages; ${duration} s per phase`,
);
await phase(false); // warm-up
const idle = await phase(false);
const busy = await phase(true);
console.log(`idle:       event-loop delay p99 ${ms(idle.p99)} ms, max ${ms(idle.max)} ms`);
console.log(
  `with reads: ${busy.reads} page views (Sources counts + setup arrivals + Schema page), ${(busy.readMs / Math.max(1, busy.reads)).toFixed(1)} ms each; event-loop delay p99 ${ms(busy.p99)} ms, max ${ms(busy.max)} ms`,
);
console.log(
  `event-loop delay with reads vs idle: p99 ${(busy.p99 / idle.p99).toFixed(2)}x, max ${(busy.max / idle.max).toFixed(2)}x`,
);
sync.close();
await pool.end();
await pgDb.drop();
