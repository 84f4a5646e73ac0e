import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  archivedTrack,
  insertPgSource,
  insertPgWebhook,
  type MigratedPg,
  openMigratedPg,
} from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable, recordBlocking } from "@/lib/db/pg-testing";
import { concurrencyShare } from "@/lib/delivery/processes";
import { startDelivery } from "@/lib/delivery/runner";
import { TEST_KEY } from "@/lib/delivery/testing/fixtures";
import { PgArchiveStore } from "@/lib/ingest/pg-store";

// Limits that hold for the installation, not per process: two delivering processes on one
// PostgreSQL database together keep at most DELIVERY_CONCURRENCY requests in flight to a
// destination, and an open circuit breaker is probed by one of them at a time. Assertions count
// requests against the documented bounds; nothing asserts how long something took.

describe("the concurrency share", () => {
  it("splits the installation's limit among the delivering processes, never below one", () => {
    expect(concurrencyShare(16, 1)).toBe(16);
    expect(concurrencyShare(16, 2)).toBe(8);
    expect(concurrencyShare(16, 3)).toBe(5);
    expect(concurrencyShare(2, 5)).toBe(1);
  });
});

let db: MigratedPg;

/** Two delivering processes on the test database (each with its own connection, as in production). */
function twoProcesses(config: Parameters<typeof startDelivery>[0]["config"]) {
  const connections = [new PgSyncDatabase(db.db.url), new PgSyncDatabase(db.db.url)];
  const runners = connections.map((c) =>
    startDelivery({ db: c.asDatabase(), tap: null, config, encryptionKey: TEST_KEY, startFrom: "beginning" }),
  );
  const close = () => {
    for (const c of connections) c.close();
  };
  return { runners, connections, close };
}
const available = await pgAvailable();
beforeAll(async () => {
  if (available) db = await openMigratedPg();
});
afterAll(() => db?.close());

describe.skipIf(!available)("delivery from two processes on PostgreSQL", () => {
  it("keeps the destination's requests in flight within DELIVERY_CONCURRENCY across both", async () => {
    let active = 0;
    let maxActive = 0;
    let done = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      active++;
      maxActive = Math.max(maxActive, active);
      setTimeout(() => {
        active--;
        done++;
        res.writeHead(200).end("{}");
      }, 60);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const source = await insertPgSource(db.pool);
    await insertPgWebhook(db.pool, {
      id: "dst_limit",
      workspaceId: source.workspaceId,
      sourceId: source.id,
      url: `http://127.0.0.1:${port}/hook`,
    });
    const config = { concurrency: 4, allowPrivate: true, pollMs: 10, configRefreshMs: 100 };
    const { runners, close } = twoProcesses(config);
    // A process that joins is counted by the others at their next refresh (configRefreshMs): until
    // then the shares can add up to more than the limit. Start once both have counted each other.
    for (let i = 0; i < 200 && runners.some((r) => r.stats().concurrency !== 2); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(runners.map((r) => r.stats().concurrency)).toEqual([2, 2]);
    const total = 120;
    await new PgArchiveStore(db.pool).append(
      Array.from({ length: total }, (_, i) => archivedTrack(source, `limit-${i}`)),
    );
    for (let i = 0; i < 600 && done < total; i++) await new Promise((r) => setTimeout(r, 50));
    const both = runners.map((r) => r.stats().destinations.find((d) => d.id === "dst_limit")?.id);
    await Promise.all(runners.map((r) => r.stop()));
    close();
    await new Promise((r) => server.close(r));
    expect(done).toBe(total);
    expect(both).toEqual(["dst_limit", "dst_limit"]); // both processes ran a worker for it
    expect(maxActive).toBeLessThanOrEqual(4);
  });

  it("probes an open breaker from one process at a time: at most one request per probe interval", async () => {
    let requests = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      requests++;
      res.writeHead(500).end("down");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const source = await insertPgSource(db.pool);
    await insertPgWebhook(db.pool, {
      id: "dst_down",
      workspaceId: source.workspaceId,
      sourceId: source.id,
      url: `http://127.0.0.1:${port}/hook`,
    });
    const breaker = { threshold: 3, baseMs: 150, maxMs: 150, maxRetryAfterMs: 600_000 };
    const config = {
      concurrency: 4,
      allowPrivate: true,
      pollMs: 10,
      configRefreshMs: 100,
      deadlineMs: 120_000,
      backoffBaseMs: 50,
      backoffMaxMs: 100,
      breaker,
    };
    const { runners, connections, close } = twoProcesses(config);
    await new PgArchiveStore(db.pool).append(
      Array.from({ length: 200 }, (_, i) => archivedTrack(source, `down-${i}`)),
    );
    // Both processes fail their way to an open breaker (or adopt the other's), then only probes go out.
    for (let i = 0; i < 200 && requests < 2 * breaker.threshold; i++)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 600)); // requests in flight when it opened finish
    const r0 = requests;
    const t0 = Date.now();
    // The probes' claims and the breaker's writes run on the asynchronous pool: nothing blocks.
    const recordings = connections.map((c) => recordBlocking(c));
    await new Promise((r) => setTimeout(r, 2000));
    for (const r of recordings) r.stop();
    const sent = requests - r0;
    const elapsed = Date.now() - t0;
    const states = runners.map((r) => r.stats().destinations.find((d) => d.id === "dst_down")?.breaker);
    await Promise.all(runners.map((r) => r.stop({ graceMs: 0 })));
    close();
    await new Promise((r) => server.close(r));
    expect(
      states.every((s) => s === "open" || s === "probing"),
      `${states} after ${sent} requests`,
    ).toBe(true);
    expect(sent).toBeGreaterThan(0); // it is probed
    expect(sent).toBeLessThanOrEqual(1 + Math.ceil(elapsed / breaker.baseMs));
    expect(recordings.flatMap((r) => r.statements)).toEqual([]);
  }, 30_000);
});
