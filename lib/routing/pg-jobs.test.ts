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
import { pgAvailable, recordBlocking } from "@/lib/db/pg-testing";
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

type PassKind = "pass" | "passAsync";
const run = async (router: Router, kind: PassKind) =>
  kind === "pass" ? router.pass() : await router.passAsync();

describe.skipIf(!available)("routing on PostgreSQL with several delivery processes", () => {
  // pass() blocks on the synchronous connection; passAsync() (what the runner uses on PostgreSQL)
  // runs the same pass on the asynchronous pool. Both must behave the same.
  it.each<PassKind>(["pass", "passAsync"])(
    "announces the destinations whose jobs it left in the queue, and only those (%s)",
    async (kind) => {
      const source = await insertPgSource(db.pool);
      const [full, roomy] = [`dst_full_${kind}`, `dst_room_${kind}`];
      for (const id of [full, roomy])
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
      const room: Record<string, number> = { [full]: 0, [roomy]: 100 };
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
      await store.append([1, 2, 3].map((i) => archivedTrack(source, `jobs-${kind}-${i}`)));
      expect(await run(router, kind)).toBe(3);
      for (let i = 0; i < 100 && notes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(handed).toEqual({ [roomy]: 3 });
      expect(notes).toEqual([full]);
      const queued = await db.pool.query(
        `SELECT "destinationId", COUNT(*)::int AS n FROM "DeliveryJob" WHERE "leaseUntil" = 0 AND "sourceId" = $1 GROUP BY 1`,
        [source.id],
      );
      expect(queued.rows).toEqual([{ destinationId: full, n: 3 }]);

      // A pass that hands everything over announces nothing.
      room[full] = 100;
      await store.append([archivedTrack(source, `jobs-${kind}-4`)]);
      expect(await run(router, kind)).toBe(1);
      await listener.query("SELECT 1"); // a round trip: a notification sent before it has arrived
      expect(notes).toEqual([full]);
      sync.close();
      await listener.end();
    },
  );

  // A pass with routing outcomes runs as a transaction of several statements; one that only
  // creates jobs as a single statement (lib/delivery/store.ts pgRoutingPass). Both must hold.
  it.each([
    ["a pass with a filtered message (transaction)", true],
    ["a pass of deliveries only (one statement)", false],
  ])(
    "passes off the event loop atomically: a failure leaves nothing, a repeat inserts and counts nothing twice: %s",
    async (label, withFiltered) => {
      const source = await insertPgSource(db.pool);
      const dest = await insertPgWebhook(db.pool, {
        id: `dst_async_${withFiltered ? "tx" : "one"}`,
        workspaceId: source.workspaceId,
        sourceId: source.id,
        url: "http://127.0.0.1:9/hook",
      });
      const sync = new PgSyncDatabase(db.db.url);
      const handed: number[] = [];
      const router = new Router({
        db: sync.asDatabase(),
        cfg: loadDeliveryConfig({}),
        now: Date.now,
        table: () => loadRoutingTable(sync.asDatabase(), () => TEST_KEY),
        worker: () => ({
          capacity: () => 100,
          leaseMs: () => 60_000,
          accept: (jobs) => handed.push(...jobs.map((j) => j.seq)),
          notify: () => {},
        }),
        startFrom: "beginning",
      });
      // Catch up with what earlier tests archived, so this one's rows are the only ones left.
      while ((await router.passAsync()) > 0);
      handed.length = 0;
      const store = new PgArchiveStore(db.pool);
      const middle = archivedTrack(source, `async-middle-${label}`);
      if (withFiltered)
        middle.payload = JSON.stringify({ ...JSON.parse(middle.payload), integrations: { All: false } });
      const { seqs } = await store.append([
        archivedTrack(source, `async-1-${label}`),
        middle,
        archivedTrack(source, `async-2-${label}`),
      ]);
      const state = async () => {
        const q = async (text: string) =>
          (await db.pool.query(text, [dest])).rows[0] as Record<string, number>;
        return {
          jobs: (await q(`SELECT COUNT(*)::int AS n FROM "DeliveryJob" WHERE "destinationId" = $1`)).n,
          outcomes: (
            await q(
              `SELECT COUNT(*)::int AS n FROM "DeliveryOutcome" WHERE "destinationId" = $1 AND "status" = 'filtered'`,
            )
          ).n,
          filteredCount: (
            await q(
              `SELECT COALESCE(SUM("filtered"), 0)::int AS n FROM "DeliveryRollup" WHERE "destinationId" = $1`,
            )
          ).n,
          cursor: (await db.pool.query(`SELECT "lastSeq" FROM "RoutingCursor" WHERE "id" = 'main'`)).rows[0]
            .lastSeq as number,
        };
      };
      const before = await state();

      // The cursor write fails at the end of the transaction: nothing of the pass may remain.
      await db.pool.query(
        `CREATE FUNCTION fail_cursor() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'cursor refused'; END $$ LANGUAGE plpgsql`,
      );
      await db.pool.query(
        `CREATE TRIGGER fail_cursor BEFORE UPDATE ON "RoutingCursor" FOR EACH ROW EXECUTE FUNCTION fail_cursor()`,
      );
      await expect(router.passAsync()).rejects.toThrow(/cursor refused/);
      expect(await state()).toEqual(before);
      expect(handed).toEqual([]);
      expect(router.cursor).toBe(before.cursor);
      await db.pool.query(`DROP TRIGGER fail_cursor ON "RoutingCursor"; DROP FUNCTION fail_cursor()`);

      // The same pass succeeds: the jobs handed over, the filtered outcome (if any) counted once.
      expect(await router.passAsync()).toBe(3);
      const after = await state();
      expect(after).toEqual({
        jobs: withFiltered ? 2 : 3,
        outcomes: withFiltered ? 1 : 0,
        filteredCount: withFiltered ? 1 : 0,
        cursor: Math.max(...(seqs as number[])),
      });
      const delivered = withFiltered ? [seqs[0], seqs[2]] : seqs;
      expect(handed.sort((a, b) => a - b)).toEqual(delivered);

      // Done again from an older cursor (a router that crashed after its commit, before it knew):
      // the jobs and the outcome exist already, so nothing is inserted, counted or handed over twice.
      await db.pool.query(`UPDATE "RoutingCursor" SET "lastSeq" = $1 WHERE "id" = 'main'`, [before.cursor]);
      // (Re-reading the cursor, as on taking the router lease over, does not block either; this
      // test's own table() reads the destinations on the blocking connection.)
      const recording = recordBlocking(sync);
      router.reload();
      expect(await router.passAsync()).toBe(3);
      recording.stop();
      expect(recording.statements.filter((sql) => sql.includes("RoutingCursor"))).toEqual([]);
      expect(await state()).toEqual(after);
      expect(handed).toHaveLength(delivered.length);
      sync.close();
    },
  );
});
