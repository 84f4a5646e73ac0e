import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Analytics } from "@segment/analytics-node";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPort } from "@/e2e/support/ports";
import { type RunningServer, startServer, TEST_AUTH_SECRET, TEST_ENCRYPTION_KEY } from "@/e2e/support/server";
import { createTestDatabase, pgAvailable, type TestDatabase } from "@/lib/db/pg-testing";

// The scale-out promise, end to end: three instances and two delivery workers on one
// PostgreSQL database behind a round-robin proxy. Segment's Node SDK sends 10,000 events
// through the proxy while one instance and one worker are killed with SIGKILL and restarted.
// Every acknowledged messageId must be stored exactly once and reach the webhook sink (repeats
// only as retries with the same Idempotency-Key); a debugger stream open on one instance sees
// events other instances took; the dashboard's delivered count equals the sink's distinct count.

const EVENTS = 10_000;
const root = path.resolve(import.meta.dirname, "..", "..");

const available = await pgAvailable();

describe.skipIf(!available)("a cluster on PostgreSQL", () => {
  let database: TestDatabase;
  const instances: (RunningServer | null)[] = [null, null, null];
  const workers: (ChildProcess | null)[] = [null, null];
  let sink: http.Server;
  let sinkUrl: string;
  let proxy: http.Server;
  let proxyUrl: string;
  const received = new Map<string, number>(); // messageId -> deliveries
  const keyMismatch: string[] = [];
  const viaInstance = new Map<string, number>(); // messageId -> instance index that took it
  let writeKey: string;
  let slug: string;
  let sourceId: string;
  let destinationId: string;
  let cookie: string;

  const env = (url: string) => ({
    DATABASE_URL: url,
    DEMO_SEED: "false",
    DELIVERY_IN_PROCESS: "false",
    DELIVERY_POLL_MS: "200",
    // A worker killed mid-delivery: its leases come back quickly.
    DELIVERY_LEASE_MS: "5000",
  });

  const startInstance = async (i: number) => {
    instances[i] = await startServer({
      port: testPort(40 + i),
      dataDir: `data/test-cluster-${i}`,
      fresh: true,
      databaseUrl: database.url,
      env: env(database.url),
    });
  };

  const startWorker = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "scripts/delivery-worker.ts"], {
        cwd: root,
        env: {
          ...process.env,
          ...env(database.url),
          NODE_ENV: "production",
          AUTH_SECRET: TEST_AUTH_SECRET,
          ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
          ALLOW_PRIVATE_DESTINATIONS: "true",
          DATA_DIR: path.join(root, `data/test-cluster-worker-${i}`),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      workers[i] = child;
      let out = "";
      child.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes('"ready":true')) resolve();
      });
      child.stderr!.on("data", (c: Buffer) => process.stderr.write(c));
      child.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
    });

  const killWorker = async (i: number) => {
    const child = workers[i]!;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    workers[i] = null;
  };

  beforeAll(async () => {
    database = await createTestDatabase("switchyard_cluster");

    sink = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        try {
          const m = JSON.parse(body) as { messageId?: string };
          const id = m.messageId ?? "";
          received.set(id, (received.get(id) ?? 0) + 1);
          if (req.headers["idempotency-key"] !== id) keyMismatch.push(id);
        } catch {}
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
    sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;

    await startInstance(0);
    // Fixtures through the product's own API, signed in as a workspace owner.
    const { createPrisma } = await import("@/lib/db");
    const prisma = createPrisma(database.url);
    const user = await prisma.user.create({ data: { email: "cluster@test.local", name: "Cluster" } });
    const workspace = await prisma.workspace.create({
      data: { name: "Cluster", slug: "cluster", memberships: { create: { userId: user.id, role: "owner" } } },
    });
    await prisma.$disconnect();
    slug = workspace.slug;
    cookie = `next-auth.session-token=${await encode({
      // The claims lib/auth/options.ts puts in a fresh session (e2e/api/support.ts sessionClaims).
      token: {
        sub: user.id,
        email: user.email,
        name: user.name,
        sv: 0,
        authAt: Math.floor(Date.now() / 1000),
      },
      secret: TEST_AUTH_SECRET,
    })}`;
    const api = async <T>(method: string, p: string, body?: unknown) => {
      const res = await fetch(`${instances[0]!.url}${p}`, {
        method,
        headers: { cookie, "content-type": "application/json", origin: instances[0]!.url },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const source = await api<{ source: { id: string }; writeKey: string }>(
      "POST",
      `/api/workspaces/${slug}/sources`,
      {
        name: "Server",
        type: "node",
        environment: "prod",
      },
    );
    sourceId = source.source.id;
    writeKey = source.writeKey;
    const dest = await api<{ destination: { id: string } }>("POST", `/api/workspaces/${slug}/destinations`, {
      type: "webhook",
      name: "Sink",
      sourceIds: [sourceId],
      enabled: true,
      settings: { url: sinkUrl },
    });
    destinationId = dest.destination.id;

    await Promise.all([startInstance(1), startInstance(2), startWorker(0), startWorker(1)]);

    // Round robin over the instances that answer; a request to a dead instance is retried on
    // the next one only when nothing was sent yet (connection refused), else it fails (502)
    // and the SDK retries it, which is what a load balancer does.
    let next = 0;
    proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const attempt = (tries: number): void => {
          const i = next++ % 3;
          const target = instances[i];
          if (!target) {
            if (tries < 3) attempt(tries + 1);
            else res.writeHead(503).end();
            return;
          }
          const up = http.request(
            { host: "127.0.0.1", port: target.port, path: req.url, method: req.method, headers: req.headers },
            (r) => {
              if (r.statusCode === 200) {
                try {
                  for (const m of (JSON.parse(body.toString()) as { batch: { messageId: string }[] }).batch)
                    viaInstance.set(m.messageId, i);
                } catch {}
              }
              res.writeHead(r.statusCode ?? 502, r.headers);
              r.pipe(res);
            },
          );
          up.on("error", (err: NodeJS.ErrnoException) => {
            if (err.code === "ECONNREFUSED" && tries < 3) return attempt(tries + 1);
            if (!res.headersSent) res.writeHead(502).end();
          });
          up.end(body);
        };
        attempt(0);
      });
    });
    await new Promise<void>((r) => proxy.listen(testPort(49), "127.0.0.1", r));
    proxyUrl = `http://127.0.0.1:${testPort(49)}`;
  }, 240_000);

  afterAll(async () => {
    for (const w of workers) w?.kill("SIGTERM");
    await Promise.all(instances.map((s) => s?.stop()));
    proxy?.close();
    sink?.close();
    await database?.drop();
  }, 60_000);

  it("stores every acknowledged event once and delivers it, through kills and restarts", async () => {
    // A debugger stream on instance 0, which is never killed.
    const closeStream = new AbortController();
    const stream = await fetch(`${instances[0]!.url}/api/workspaces/${slug}/sources/${sourceId}/debugger`, {
      headers: { cookie, accept: "text/event-stream" },
      signal: closeStream.signal,
    });
    expect(stream.status).toBe(200);
    const streamed = new Set<string>();
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (const m of buffer.matchAll(/"messageId":"([^"]+)"/g)) streamed.add(m[1]!);
        buffer = buffer.slice(Math.max(0, buffer.lastIndexOf("\n\n")));
      }
    })().catch(() => {});

    const analytics = new Analytics({
      writeKey,
      host: proxyUrl,
      flushAt: 15,
      flushInterval: 100,
      maxRetries: 10,
    });
    const acked: string[] = [];
    const failed: string[] = [];
    const sent = Array.from(
      { length: EVENTS },
      (_, i) => `cluster-${i}-${Math.random().toString(36).slice(2)}`,
    );
    const settled = sent.map(
      (messageId, i) =>
        new Promise<void>((resolve) => {
          analytics.track(
            { userId: `u${i % 97}`, event: "Order Completed", messageId, properties: { i } },
            (err) => {
              (err ? failed : acked).push(messageId);
              resolve();
            },
          );
        }),
    );
    // Chaos while the events flow: SIGKILL instance 1 and worker 0, restart both.
    let ackedAtKill = -1;
    const chaos = (async () => {
      while (acked.length < EVENTS * 0.3) await new Promise((r) => setTimeout(r, 50));
      ackedAtKill = acked.length;
      await Promise.all([instances[1]!.kill().then(() => (instances[1] = null)), killWorker(0)]);
      await new Promise((r) => setTimeout(r, 1500));
      await Promise.all([startInstance(1), startWorker(0)]);
    })();
    await Promise.all(settled);
    await analytics.closeAndFlush({ timeout: 30_000 });
    await chaos;

    expect(failed).toEqual([]);
    expect(acked).toHaveLength(EVENTS);
    // The kills happened while events were still flowing.
    expect(ackedAtKill).toBeGreaterThan(0);
    expect(ackedAtKill).toBeLessThan(EVENTS * 0.9);

    // Exactly once in the archive.
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const stored = await db.query<{ messageId: string; n: number }>(
      `SELECT "messageId", COUNT(*)::int AS n FROM "Message" WHERE "sourceId" = $1 GROUP BY 1`,
      [sourceId],
    );
    await db.end();
    const storedCount = new Map(stored.rows.map((r) => [r.messageId, r.n]));
    expect(acked.filter((id) => storedCount.get(id) !== 1)).toEqual([]);
    expect(stored.rows.length).toBe(EVENTS);

    // Every one at the sink (repeats only as retries with the same Idempotency-Key).
    for (let i = 0; i < 600 && acked.some((id) => !received.has(id)); i++)
      await new Promise((r) => setTimeout(r, 500));
    expect(acked.filter((id) => !received.has(id))).toEqual([]);
    expect(keyMismatch).toEqual([]);
    const repeats = [...received.values()].reduce((n, c) => n + c - 1, 0);
    console.log(
      `[cluster] sink: ${received.size} distinct, ${repeats} repeated deliveries (retries after the kill)`,
    );

    // The debugger on instance 0 saw events other instances took.
    const fromOthers = [...streamed].filter((id) => (viaInstance.get(id) ?? 0) !== 0);
    console.log(
      `[cluster] debugger on instance 0: ${streamed.size} events, ${fromOthers.length} taken by others`,
    );
    expect(fromOthers.length).toBeGreaterThan(100);
    closeStream.abort();
    await reading;

    // The dashboard's delivered count (rollups written by both workers) equals the sink.
    let delivered = -1;
    for (let i = 0; i < 60 && delivered !== received.size; i++) {
      const res = await fetch(
        `${instances[2]!.url}/api/workspaces/${slug}/destinations/${destinationId}/delivery/metrics?period=24h`,
        { headers: { cookie } },
      );
      delivered = ((await res.json()) as { delivered: number }).delivered;
      if (delivered !== received.size) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(delivered).toBe(received.size);
  }, 900_000);
});
