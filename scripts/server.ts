// The product's one server: answers the tracking API (/v1/*) itself on a lean node:http path
// and hands every other request to Next's handler. Boots: env -> migrations -> demo seed.
import next from "next";
import { matchesBundle, serveBundle } from "@/lib/ajs/bundle";
import { migrate } from "@/lib/db/migrate";
import { sqlite } from "@/lib/db/sqlite";
import { startDelivery } from "@/lib/delivery/runner";
import { EnvError, env } from "@/lib/env";
import { getFunctionRuntime } from "@/lib/functions/runtime";
import { createSourceFunctionEndpoint } from "@/lib/functions/source-endpoint";
import { createIngest } from "@/lib/ingest/http";
import { createHardenedServer } from "@/lib/ingest/http-server";
import { startMetricsCompaction } from "@/lib/metrics/scheduler";
import { seedDemo } from "@/lib/seed/demo";
import { startWarehouseScheduler } from "@/lib/warehouses/scheduler";

async function main() {
  const dev = process.argv.includes("--dev");
  let e: ReturnType<typeof env>;
  try {
    e = env();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const applied = migrate(sqlite());
  if (applied.length) console.log(`[switchyard] applied migrations: ${applied.join(", ")}`);
  const seeded = await seedDemo();

  const app = next({ dev, dir: process.cwd(), hostname: "localhost", port: e.PORT });
  await app.prepare();
  const handleNext = app.getRequestHandler();

  const functions = createSourceFunctionEndpoint({
    db: sqlite(),
    publicUrl: e.PUBLIC_URL,
    encryptionKey: () => e.ENCRYPTION_KEY,
  });
  const ingest = createIngest({
    db: sqlite(),
    publicUrl: e.PUBLIC_URL,
    rateLimitPerSecond: e.INGEST_RATE_LIMIT_PER_SECOND,
    retentionDays: e.ARCHIVE_RETENTION_DAYS,
    functions,
  });

  // Routing and delivery run in this process by default (scripts/delivery-worker.ts runs them alone).
  const delivery = e.DELIVERY_IN_PROCESS ? startDelivery({ db: sqlite() }) : null;
  // Warehouse syncs (lib/warehouses) run wherever the delivery engine runs.
  const warehouses = e.DELIVERY_IN_PROCESS
    ? startWarehouseScheduler({
        db: sqlite(),
        encryptionKey: () => e.ENCRYPTION_KEY,
        allowPrivate: () => e.ALLOW_PRIVATE_DESTINATIONS,
      })
    : null;
  const compaction = startMetricsCompaction(); // hourly rollups the dashboards read

  // Parser errors and slow clients get JSON answers and bounded time (docs/tracking-api.md#limits).
  const server = createHardenedServer((req, res) => {
    if (ingest.matches(req.url)) return ingest.handle(req, res);
    if (matchesBundle(req.url)) return serveBundle(req, res);
    handleNext(req, res).catch((err) => {
      console.error("[switchyard] request failed:", err);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "internal", message: "Something went wrong on our side" } }));
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(e.PORT, e.HOST, () => {
    console.log(`[switchyard] console and tracking API on ${e.PUBLIC_URL}`);
    if (seeded) {
      console.log("\n  Demo workspace created. Sign in with:");
      console.log(`    email:    ${seeded.email}`);
      console.log(
        `    password: ${seeded.password ?? "(the value of DEMO_OWNER_PASSWORD)"}   <- shown once; keep it`,
      );
      console.log(`  Lost it? npm run user:password -- ${seeded.email}\n`);
    }
  });

  const shutdown = async () => {
    server.close();
    await ingest.close();
    await delivery?.stop({ graceMs: 1500 });
    await warehouses?.stop();
    functions.close();
    await getFunctionRuntime().close();
    compaction.stop();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((err) => {
  console.error("[switchyard] failed to start:", err);
  process.exit(1);
});
