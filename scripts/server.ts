// The product's one server: answers the tracking API (/v1/*) itself on a lean node:http path
// and hands every other request to Next's handler. Boots: env -> migrations -> demo seed.
// With a PostgreSQL DATABASE_URL any number of these share one database (docs/scaling.md).
import next from "next";
import { matchesBundle, serveBundle } from "@/lib/ajs/bundle";
import { CLIENT_HEADER } from "@/lib/auth/throttle";
import { dialectOf } from "@/lib/db/dialect";
import { singletonLease } from "@/lib/db/lease";
import { migrate } from "@/lib/db/migrate";
import { pgPool } from "@/lib/db/pg";
import { migratePg } from "@/lib/db/pg-migrate";
import { readiness } from "@/lib/db/readiness";
import { sqlite } from "@/lib/db/sqlite";
import { sqliteFilePath } from "@/lib/db/url";
import { startDelivery } from "@/lib/delivery/runner";
import { EnvError, env } from "@/lib/env";
import { hardenDataDir } from "@/lib/fs/private";
import { getFunctionRuntime } from "@/lib/functions/runtime";
import { createSourceFunctionEndpoint } from "@/lib/functions/source-endpoint";
import { createIngest, type IngestOptions } from "@/lib/ingest/http";
import { createHardenedServer } from "@/lib/ingest/http-server";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { createPgWriteKeyResolver } from "@/lib/ingest/writekeys";
import { startMetricsCompaction } from "@/lib/metrics/scheduler";
import { seedDemo } from "@/lib/seed/demo";
import { getTap } from "@/lib/tap";
import { type PgTapBridge, startPgTapBridge, subscribeOnly } from "@/lib/tap/pg";
import { startWarehouseScheduler } from "@/lib/warehouses/scheduler";

const DRAIN_LIMIT_MS = 10_000;

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
  hardenDataDir(e.DATA_DIR, e.DATABASE_URL.startsWith("file:") ? sqliteFilePath(e.DATABASE_URL) : null);
  const postgres = dialectOf(e.DATABASE_URL) === "postgresql";
  const applied = postgres ? await migratePg(pgPool()) : migrate(sqlite());
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

  // PostgreSQL: the archive commits through the async pool and announces each commit on the
  // tap channel; every instance (this one included) publishes to its debugger streams from
  // there, so a stream sees events whichever instance took them (lib/tap/pg.ts).
  let bridge: PgTapBridge | null = null;
  let wakeDelivery = () => {};
  let jobsQueued = (_ids: string[] | null) => {};
  const scaleOut: Partial<IngestOptions> = {};
  if (postgres) {
    const store = new PgArchiveStore(pgPool(), { notify: true });
    bridge = startPgTapBridge({
      url: e.DATABASE_URL,
      store,
      tap: getTap(),
      onCommit: () => wakeDelivery(),
      onJobs: (ids) => jobsQueued(ids),
    });
    await bridge.ready;
    const retention = singletonLease(sqlite(), "archive-retention");
    Object.assign(scaleOut, {
      store,
      resolver: createPgWriteKeyResolver(pgPool()),
      tap: subscribeOnly(getTap()),
      retentionLease: () => retention.held(),
    });
  }
  const ingest = createIngest({
    db: sqlite(),
    publicUrl: e.PUBLIC_URL,
    rateLimitPerSecond: e.INGEST_RATE_LIMIT_PER_SECOND,
    retentionDays: e.ARCHIVE_RETENTION_DAYS,
    functions,
    ...scaleOut,
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
  if (delivery) {
    wakeDelivery = () => delivery.wake();
    jobsQueued = (ids) => delivery.jobsQueued(ids);
  }
  const compaction = startMetricsCompaction(); // hourly rollups the dashboards read

  let draining = false;
  const probe = (res: import("node:http").ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(body));
  };

  // Parser errors and slow clients get JSON answers and bounded time (docs/tracking-api.md#limits).
  const server = createHardenedServer((req, res) => {
    const path = req.url?.split("?")[0];
    // Load balancer probes: /healthz = the process is up; /readyz = it should get traffic.
    if (path === "/healthz") return probe(res, 200, { status: "ok" });
    if (path === "/readyz") {
      if (draining) return probe(res, 503, { ready: false, reason: "shutting down" });
      readiness().then(
        (r) => probe(res, r.ready ? 200 : 503, r),
        (err) => probe(res, 503, { ready: false, reason: String(err) }),
      );
      return;
    }
    if (ingest.matches(req.url)) return ingest.handle(req, res);
    if (matchesBundle(req.url)) return serveBundle(req, res);
    // The address sign-in throttling counts by: the socket's, never a header a client could send.
    req.headers[CLIENT_HEADER] = req.socket.remoteAddress ?? "unknown";
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

  // SIGTERM drains: /readyz turns 503, no new connections, idle keep-alive connections close,
  // tracking requests already read are committed and answered (new ones get 503 + retry),
  // deliveries in flight finish or are released, leases are released, then the process exits.
  const shutdown = async () => {
    if (draining) return;
    draining = true;
    setTimeout(() => process.exit(1), DRAIN_LIMIT_MS).unref();
    server.close();
    server.closeIdleConnections();
    await ingest.close();
    await delivery?.stop({ graceMs: 1500 });
    await warehouses?.stop();
    await compaction.stop();
    await functions.close();
    await getFunctionRuntime().close();
    await bridge?.stop();
    if (postgres) {
      sqlite().close();
      await pgPool().end();
    }
    process.exit(0);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((err) => {
  console.error("[switchyard] failed to start:", err);
  process.exit(1);
});
