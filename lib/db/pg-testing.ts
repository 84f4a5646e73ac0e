import crypto from "node:crypto";
import { Worker } from "node:worker_threads";
import pg from "pg";
import type { PgSyncDatabase } from "@/lib/db/pg-sync";

// Tests and benchmarks on PostgreSQL: each run creates its own uniquely named database on the
// server named by TEST_PG_URL (default: the local trust-auth service) and drops it after.

export const TEST_PG_URL = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function withDatabase(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = "switchyard_test"): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(TEST_PG_URL, name),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** True when the PostgreSQL server for tests answers (suites skip with a reason when not). */
export async function pgAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

export interface FrozenPath {
  /** The database's URL through the relay. */
  url: string;
  /** Stops (true) or resumes (false) the bytes in both directions; the sockets stay open. */
  freeze(on: boolean): Promise<void>;
  close(): Promise<void>;
}

// The relay runs on a thread of its own: a caller blocked on the synchronous connection
// (lib/db/pg-sync.ts) must not stop it.
const RELAY = `
const net = require("node:net");
const { parentPort, workerData } = require("node:worker_threads");
let frozen = false;
const sockets = new Set();
const relay = net.createServer((client) => {
  const upstream = net.connect(workerData.port, workerData.host);
  const close = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
  for (const [from, to] of [[client, upstream], [upstream, client]]) {
    sockets.add(from);
    from.on("data", (chunk) => { if (!frozen) to.write(chunk); });
    from.on("error", close).on("close", close);
  }
});
relay.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: relay.address().port }));
parentPort.on("message", (m) => {
  if (m.close) { for (const s of sockets) s.destroy(); relay.close(() => parentPort.postMessage({ closed: true })); return; }
  frozen = m.frozen;
  parentPort.postMessage({ frozen });
});
`;

/**
 * A TCP relay in front of the database that a test can freeze: what a network path that stops
 * answering looks like (unlike a stopped server, nothing is refused or closed).
 */
export async function frozenPath(databaseUrl: string): Promise<FrozenPath> {
  const target = new URL(databaseUrl);
  const worker = new Worker(RELAY, {
    eval: true,
    workerData: { host: target.hostname, port: Number(target.port || 5432) },
  });
  const next = () => new Promise<Record<string, unknown>>((r) => worker.once("message", r));
  const { port } = (await next()) as { port: number };
  const url = new URL(databaseUrl);
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.toString(),
    freeze: async (on) => {
      const acked = next();
      worker.postMessage({ frozen: on });
      await acked;
    },
    close: async () => {
      const closed = next();
      worker.postMessage({ close: true });
      await closed;
      await worker.terminate();
    },
  };
}

/**
 * Records the SQL of every blocking statement `db` runs from now on (what would stop its event
 * loop for a round trip); `stop()` puts the connection back as it was.
 */
export function recordBlocking(db: PgSyncDatabase): { statements: string[]; stop(): void } {
  const statements: string[] = [];
  const call = db.call.bind(db);
  db.call = (...args: Parameters<PgSyncDatabase["call"]>) => {
    statements.push(args[0]);
    return call(...args);
  };
  return {
    statements,
    stop: () => {
      db.call = call;
    },
  };
}
