import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@/lib/db/pg-testing";

const pgDatabases = new Map<string, TestDatabase>();

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  env: Record<string, string>;
  process: ChildProcess;
  stop(): Promise<void>;
  /** SIGKILL: for crash tests. */
  kill(): Promise<void>;
}

/**
 * Which database the test servers use: SQLite files by default; `TEST_DATABASE=postgresql`
 * gives every server a fresh database on the PostgreSQL server of TEST_PG_URL (default the
 * local one), dropped when the server stops (docs/development.md).
 */
export const TEST_DATABASE = process.env.TEST_DATABASE === "postgresql" ? "postgresql" : "sqlite";

export const TEST_AUTH_SECRET = "switchyard-test-secret-0123456789abcdefghijklmnop";
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");

/**
 * Starts the real server (scripts/server.ts, production Next build) on a port with its own data
 * directory. `fresh` wipes the directory first. Resolves when the server says it is listening.
 */
export async function startServer(opts: {
  port: number;
  dataDir: string;
  fresh?: boolean;
  env?: Record<string, string>;
  /** Share this database with another running server (not created, not dropped here). */
  databaseUrl?: string;
}): Promise<RunningServer> {
  const root = path.resolve(import.meta.dirname, "..", "..");
  const dataDir = path.resolve(root, opts.dataDir);
  if (opts.fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  // A restart on the same data directory (crash tests) keeps its PostgreSQL database too.
  let pgDb: TestDatabase | null = null;
  if (TEST_DATABASE === "postgresql" && !opts.databaseUrl) {
    const previous = pgDatabases.get(dataDir);
    if (previous && opts.fresh) await previous.drop();
    pgDb = previous && !opts.fresh ? previous : await createTestDatabase("switchyard_e2e");
    pgDatabases.set(dataDir, pgDb);
  }
  const databaseUrl = opts.databaseUrl ?? pgDb?.url ?? `file:${path.join(dataDir, "switchyard.db")}`;
  const env: Record<string, string> = {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(opts.port),
    HOST: "127.0.0.1",
    PUBLIC_URL: `http://localhost:${opts.port}`,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: TEST_AUTH_SECRET,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ALLOW_PRIVATE_DESTINATIONS: "true",
    DEMO_SEED: "false",
    ...opts.env,
  };
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/server.ts"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("console and tracking API on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  child.stdout!.on("data", (c: Buffer) => process.env.SERVER_LOG && process.stdout.write(c));
  child.stderr!.on("data", (c: Buffer) => process.stderr.write(c));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    url: `http://localhost:${opts.port}`,
    port: opts.port,
    dataDir,
    databaseUrl,
    env,
    process: child,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      if (pgDb) {
        pgDatabases.delete(dataDir);
        await pgDb.drop();
      }
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
