import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  type FrozenPath,
  frozenPath,
  pgAvailable,
  type TestDatabase,
} from "@/lib/db/pg-testing";
import { TEST_KEY } from "@/lib/delivery/testing/fixtures";

// `npm run delivery:worker` on SIGTERM finishes what is in flight and exits, and it exits even
// when PostgreSQL stopped answering mid-way (a frozen network path, not a refused connection):
// an orchestrator's stop must not hang on it. Its unfinished leases are claimed again elsewhere.
// The database is reached through a relay the test freezes (lib/db/pg-testing.ts frozenPath), with
// blocking statements limited to 2 s (PG_BLOCKING_TIMEOUT_MS).

const available = await pgAvailable();
let database: TestDatabase;
let path_: FrozenPath;

beforeAll(async () => {
  if (!available) return;
  database = await createTestDatabase("switchyard_test_shutdown");
  path_ = await frozenPath(database.url);
});

afterAll(async () => {
  await path_?.close();
  await database?.drop();
});

describe.skipIf(!available)("the delivery worker's shutdown on PostgreSQL", () => {
  it("exits after SIGTERM even when the database stopped answering", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-shutdown-"));
    const root = path.resolve(import.meta.dirname, "../..");
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/delivery-worker.ts"], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: path_.url,
        NODE_ENV: "production",
        AUTH_SECRET: "shutdown-test-secret-shutdown-test-secret-01",
        ENCRYPTION_KEY: TEST_KEY,
        DATA_DIR: dataDir,
        DELIVERY_TIMEOUT_MS: "1000",
        PG_BLOCKING_TIMEOUT_MS: "2000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (c: Buffer) => {
          out += c.toString();
          if (out.includes('"ready":true')) resolve();
        });
        child.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${stderr}`)));
      });
      await path_.freeze(true);
      // Let the worker's every-second refresh and its router pass start on the frozen path.
      await new Promise((r) => setTimeout(r, 1500));
      child.kill("SIGTERM");
      const code = await Promise.race([
        exited,
        new Promise<"hung">((r) => setTimeout(() => r("hung"), 45_000)),
      ]);
      expect(code, stderr).not.toBe("hung");
      // Cleanly (its statements fail after the limit, so the shutdown completes) or, at worst, by
      // the shutdown's own deadline.
      expect([0, 1], stderr).toContain(code);
    } finally {
      child.kill("SIGKILL");
      await path_.freeze(false);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
