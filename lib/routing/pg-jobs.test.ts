import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  archivedTrack,
  insertPgSource,
  insertPgWebhook,
  type MigratedPg,
  openMigratedPg,
} from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable } from "@/lib/db/pg-testing";
import { loadDeliveryConfig } from "@/lib/delivery/config";
import { TEST_KEY } from "@/lib/delivery/testing/fixtures";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { Router } from "@/lib/routing/router";
import { loadRoutingTable } from "@/lib/routing/table";
import { JOBS_CHANNEL } from "@/lib/tap/pg";

// Several delivery processes on PostgreSQL: the router hands fresh jobs to its own process's
// workers while they have room and leaves the rest in the queue. The other processes must hear of
// those at the routing commit (a NOTIFY on switchyard_jobs naming the destinations), not find them
// at their next idle claim a second later.

let db: MigratedPg;
const available = await pgAvailable();
beforeAll(async () => {
  if (available) db = await openMigratedPg();
});
afterAll(() => db?.close());

describe.skipIf(!available)("routing on PostgreSQL with several delivery processes", () => {
  it("announces the destinations whose jobs it left in the queue, and only those", async () => {
    const source = await insertPgSource(db.pool);
    for (const id of ["dst_full", "dst_room"])
      await insertPgWebhook(db.pool, {
        id,
        workspaceId: source.workspaceId,
        sourceId: source.id,
        url: "http://127.0.0.1:9/hook",
      });
    const listener = new pg.Client({ connectionString: db.db.url });
    await listener.connect();
    const notes: string[] = [];
    listener.on("notification", (m) => notes.push(m.payload ?? ""));
    await listener.query(`LISTEN ${JOBS_CHANNEL}`);

    const sync = new PgSyncDatabase(db.db.url);
    const handed: Record<string, number> = {};
    // This process's workers: one with no room (its jobs stay in the queue), one with plenty.
    const room: Record<string, number> = { dst_full: 0, dst_room: 100 };
    const router = new Router({
      db: sync.asDatabase(),
      cfg: loadDeliveryConfig({}),
      now: Date.now,
      table: () => loadRoutingTable(sync.asDatabase(), () => TEST_KEY),
      worker: (id) => ({
        capacity: () => room[id] ?? 0,
        leaseMs: () => 60_000,
        accept: (jobs) => {
          handed[id] = (handed[id] ?? 0) + jobs.length;
        },
        notify: () => {},
      }),
      startFrom: "beginning",
    });
    const store = new PgArchiveStore(db.pool);
    await store.append([1, 2, 3].map((i) => archivedTrack(source, `jobs-${i}`)));
    expect(router.pass()).toBe(3);
    for (let i = 0; i < 100 && notes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(handed).toEqual({ dst_room: 3 });
    expect(notes).toEqual(["dst_full"]);
    const queued = await db.pool.query(
      `SELECT "destinationId", COUNT(*)::int AS n FROM "DeliveryJob" WHERE "leaseUntil" = 0 GROUP BY 1`,
    );
    expect(queued.rows).toEqual([{ destinationId: "dst_full", n: 3 }]);

    // A pass that hands everything over announces nothing.
    room.dst_full = 100;
    await store.append([archivedTrack(source, "jobs-4")]);
    expect(router.pass()).toBe(1);
    await listener.query("SELECT 1"); // a round trip: a notification sent before it has arrived
    expect(notes).toEqual(["dst_full"]);
    sync.close();
    await listener.end();
  });
});
