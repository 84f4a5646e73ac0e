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
import { setPaused } from "@/lib/delivery/control";
import { getReplay, startReplay } from "@/lib/delivery/replay-runs";
import { startDelivery } from "@/lib/delivery/runner";
import { TEST_KEY } from "@/lib/delivery/testing/fixtures";
import { PgArchiveStore } from "@/lib/ingest/pg-store";

// A delivering process re-reads every second what the console and the other processes may have
// changed: pauses and breakers, whether the destinations changed, how many processes deliver, and
// whether a replay runs (and a running replay's steps). On PostgreSQL these go through the asynchronous pool: a process in
// the middle of delivering does not stop its event loop for them. What a user notices is that a
// pause, a new destination name and a replay started in the console still take effect.

let db: MigratedPg;
const available = await pgAvailable();
beforeAll(async () => {
  if (available) db = await openMigratedPg();
});
afterAll(() => db?.close());

const until = async (what: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !what() && Date.now() < end; )
    await new Promise((r) => setTimeout(r, 20));
  return what();
};

describe.skipIf(!available)("the delivery engine's every-second refresh on PostgreSQL", () => {
  it("reads pauses, the routing fingerprint, the process count and running replays without blocking, and applies them", async () => {
    let received = 0;
    let receivedByNew = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      if (req.url === "/new") receivedByNew++;
      else received++;
      res.writeHead(200).end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const source = await insertPgSource(db.pool);
    const destination = { destinationId: "dst_refresh", workspaceId: source.workspaceId };
    await insertPgWebhook(db.pool, {
      id: destination.destinationId,
      workspaceId: source.workspaceId,
      sourceId: source.id,
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    });
    const engine = new PgSyncDatabase(db.db.url);
    const console_ = new PgSyncDatabase(db.db.url);
    const runner = startDelivery({
      db: engine.asDatabase(),
      tap: null,
      encryptionKey: TEST_KEY,
      startFrom: "beginning",
      config: {
        allowPrivate: true,
        configRefreshMs: 40,
        replayIntervalMs: 40,
        pollMs: 20,
        healthIntervalMs: 600_000,
      },
    });
    // Once it routes (its start reads the destinations and the cursor), count what blocks.
    expect(await until(() => runner.stats().leader)).toBe(true);
    const recording = recordBlocking(engine);
    const blocking = recording.statements;
    const dest = () => runner.stats().destinations.find((d) => d.id === destination.destinationId);
    try {
      // ~15 refreshes and replay checks, nothing changed: none of their reads blocks, and
      // neither do the router lease's checks (its own session, lib/db/lease.ts).
      await new Promise((r) => setTimeout(r, 600));
      expect(blocking).toEqual([]);

      // A pause set in the console is in effect at the next refresh, and so is the resume.
      setPaused(console_.asDatabase(), destination, true, "owner@example.com", Date.now());
      expect(await until(() => dest()?.paused === true)).toBe(true);
      setPaused(console_.asDatabase(), destination, false, "owner@example.com", Date.now());
      expect(await until(() => dest()?.paused === false)).toBe(true);

      // A renamed destination (its fingerprint changed) is reloaded.
      await db.pool.query(
        `UPDATE "Destination" SET "name" = 'Renamed hook', "updatedAt" = now() WHERE "id" = $1`,
        [destination.destinationId],
      );
      expect(await until(() => dest()?.name === "Renamed hook")).toBe(true);
      // The routing table was read again off the event loop too.
      expect(blocking).toEqual([]);

      // Messages are delivered; a replay of them started in the console is found and advanced.
      const from = Date.now() - 1000;
      await new PgArchiveStore(db.pool).append(
        Array.from({ length: 5 }, (_, i) => archivedTrack(source, `refresh-${i}`)),
      );
      expect(await until(() => received === 5)).toBe(true);
      // (A message whose live job is still queued is not replayed on top of it: wait for the
      // recorder to finish the jobs.)
      let jobs = 1;
      for (let i = 0; i < 200 && jobs > 0; i++) {
        jobs = (await db.pool.query(`SELECT COUNT(*)::int AS n FROM "DeliveryJob"`)).rows[0].n;
        if (jobs > 0) await new Promise((r) => setTimeout(r, 20));
      }
      // A replay of the window from `fromMs` to now, started in the console; its view as it goes.
      const replayFrom = (fromMs: number) => {
        const { id } = startReplay(
          console_.asDatabase(),
          {
            workspaceId: source.workspaceId,
            destinationId: destination.destinationId,
            sourceIds: [source.id],
            fromMs,
            toMs: Date.now(),
            createdBy: "owner@example.com",
          },
          { now: Date.now(), retentionMs: 86_400_000 },
        );
        return () => getReplay(console_.asDatabase(), destination.destinationId, id);
      };
      blocking.length = 0;
      const first = replayFrom(from);
      expect(await until(() => received === 10)).toBe(true);
      // Its steps (read the window, queue the jobs, count) ran on the asynchronous pool too, and
      // every message of the window is accounted for.
      expect(await until(() => first()?.status === "done")).toBe(true);
      expect(first()).toMatchObject({
        routed: 5,
        filtered: 0,
        alreadyQueued: 0,
        delivered: 5,
        pending: 0,
      });
      expect(blocking.filter((sql) => /DeliveryReplay|"replayId"/.test(sql))).toEqual([]);

      // Paused, new messages wait in the queue; a replay over them counts them as already queued.
      setPaused(console_.asDatabase(), destination, true, "owner@example.com", Date.now());
      expect(await until(() => dest()?.paused === true)).toBe(true);
      const from2 = Date.now() - 1;
      await new PgArchiveStore(db.pool).append(
        Array.from({ length: 3 }, (_, i) => archivedTrack(source, `queued-${i}`)),
      );
      const queued = async () =>
        (await db.pool.query(`SELECT COUNT(*)::int AS n FROM "DeliveryJob" WHERE "replayId" IS NULL`)).rows[0]
          .n;
      for (let i = 0; i < 200 && (await queued()) < 3; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await queued()).toBe(3);
      const second = replayFrom(from2);
      expect(await until(() => second()?.status === "done")).toBe(true);
      expect(second()).toMatchObject({ routed: 0, filtered: 0, alreadyQueued: 3, pending: 0 });
      setPaused(console_.asDatabase(), destination, false, "owner@example.com", Date.now());
      expect(await until(() => received === 13)).toBe(true);

      // A destination created and connected a moment before a message arrives receives it: the
      // routing pass reads the changed table (off the event loop) before it routes the message.
      blocking.length = 0;
      await insertPgWebhook(db.pool, {
        id: "dst_new",
        workspaceId: source.workspaceId,
        sourceId: source.id,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/new`,
      });
      await new PgArchiveStore(db.pool).append([archivedTrack(source, "after-new")]);
      expect(await until(() => receivedByNew === 1 && received === 14)).toBe(true);
      expect(blocking).toEqual([]);
    } finally {
      recording.stop();
      await runner.stop({ graceMs: 0 });
      engine.close();
      console_.close();
      await new Promise((r) => server.close(r));
    }
  }, 30_000);
});
