import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  archive,
  insertDestination,
  insertWorkspaceAndSource,
  outcomes,
  TEST_KEY,
  tempDb,
  track,
  until,
} from "@/lib/delivery/testing/fixtures";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// SIGKILL while deliveries are in flight loses nothing: the runner runs as a child process on a
// database file, is killed while a slow sink holds its requests, messages keep arriving while it
// is down, and a restarted runner finishes the job. Every routed message ends delivered or not
// delivered; the sink sees repeats only of the same idempotency key.

const root = path.resolve(import.meta.dirname, "../..");
let child: ChildProcess | null = null;
let sink: Sink | null = null;
afterEach(async () => {
  child?.kill("SIGKILL");
  await sink?.close();
});

function startRunner(file: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ["--import", "tsx", "scripts/delivery-worker.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: `file:${file}`,
      DATA_DIR: path.dirname(file),
      ENCRYPTION_KEY: TEST_KEY,
      AUTH_SECRET: "x".repeat(40),
      ALLOW_PRIVATE_DESTINATIONS: "true",
      DELIVERY_TIMEOUT_MS: "2000",
      DELIVERY_LEASE_MS: "3000",
      DELIVERY_BACKOFF_BASE_MS: "50",
      DELIVERY_POLL_MS: "20",
      DELIVERY_CONCURRENCY: "8",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`delivery worker exited with ${code}`)));
    proc.stdout!.once("data", () => resolve(proc));
  });
}

describe("crash safety", () => {
  it("delivers or records every routed message after a SIGKILL mid-delivery", async () => {
    const { file, db } = tempDb();
    const where = insertWorkspaceAndSource(db);
    sink = await startSink((req) =>
      JSON.parse(req.body).properties?.fail
        ? { kind: "slow", ms: 300, status: 400 }
        : { kind: "slow", ms: 300 },
    );
    const dest = insertDestination(db, {
      ...where,
      sourceIds: [where.sourceId],
      type: "webhook",
      settings: { url: sink.url },
    });
    child = await startRunner(file);
    const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    const batch = (list: string[]) =>
      list.map((id, i) => track("Crash", { messageId: id, properties: { fail: i % 10 === 0 } }));
    const first = ids("before", 40);
    archive(db, where, batch(first));
    await sink.waitFor(12, 15_000);
    child.kill("SIGKILL");
    await new Promise((r) => child!.once("exit", r));
    const inFlightAtKill = sink.requests.length;
    const second = ids("while-down", 20);
    archive(db, where, batch(second));

    child = await startRunner(file);
    const all = [...first, ...second];
    const rows = await until(
      () => {
        const r = outcomes(db, dest);
        return r.length === all.length &&
          r.every((o) => o.status === "delivered" || o.status === "not_delivered")
          ? r
          : null;
      },
      30_000,
      100,
    );
    expect(rows.map((r) => r.messageId).sort()).toEqual([...all].sort());
    expect(
      rows
        .filter((r) => r.status === "not_delivered")
        .map((r) => r.messageId)
        .sort(),
    ).toEqual(all.filter((_, i) => (i < 40 ? i : i - 40) % 10 === 0).sort());
    expect(db.prepare(`SELECT COUNT(*) AS n FROM "DeliveryJob"`).get()).toEqual({ n: 0 });
    const keys = sink.requests.map((r) => r.headers["idempotency-key"] as string);
    expect(new Set(keys)).toEqual(new Set(all));
    for (const r of sink.requests) expect(JSON.parse(r.body).messageId).toBe(r.headers["idempotency-key"]);
    // The requests the sink was holding at the kill were never acknowledged: they went again.
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(sink.requests.length).toBeGreaterThan(all.length);
    child.kill("SIGTERM");
    db.close();
  }, 60_000);
});
