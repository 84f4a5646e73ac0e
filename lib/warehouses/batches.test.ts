import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { archivedTrack, insertPgSource, openMigratedPg } from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable, recordBlocking } from "@/lib/db/pg-testing";
import {
  archive,
  insertDestination,
  insertWorkspaceAndSource,
  TEST_KEY,
  tempDb,
} from "@/lib/delivery/testing/fixtures";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { threadStats } from "./batches";
import type { WarehouseLoader } from "./loader";
import { PostgresLoader } from "./postgres/loader";
import { nextBatchSize } from "./prepare";
import { startWarehouseScheduler } from "./scheduler";
import * as store from "./store";
import { type TempPostgres, tempPostgres } from "./testing";

// A sync prepares its batches on two threads of their own (batch after batch, alternately), and on
// the sync's own thread when threads are switched off or cannot start. Both must load exactly the
// same warehouse, also when two batches prepared at once disagree about a new column's type.

let pgA: TempPostgres;
let pgB: TempPostgres;
beforeAll(async () => {
  [pgA, pgB] = await Promise.all([tempPostgres("sy_wh_thread"), tempPostgres("sy_wh_inline")]);
});
afterAll(async () => {
  await Promise.all([pgA?.drop(), pgB?.drop()]);
});

/** 300 messages whose later batches add columns and bring values that conflict with a column's type. */
function messages(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 300; i++) {
    const base = { messageId: `m-${i}`, userId: `u${i % 17}`, anonymousId: `a${i % 5}` };
    const r = i % 10;
    if (r < 6)
      out.push({
        ...base,
        type: "track",
        event: ["Order Completed", "Product Viewed", "Signed Up"][i % 3],
        properties: {
          total: i % 4 ? i / 4 : i,
          // a string from message 200 on: a type conflict for a column created as bigint
          items: i < 200 ? i : `many-${i}`,
          note: i % 7 ? `plain ${i}` : `tab\there, new\nline, back\\slash, café ${i}`,
          // New in the first batch as a number, in the second as text: two batches prepared at
          // once on two threads give the new column two types (the second is prepared again).
          ...(i < 140 ? { flag: i < 70 ? i : `flag-${i}` } : {}),
          ...(i > 150 ? { [`late_${i % 3}`]: true } : {}),
        },
        context: { page: { path: `/p/${i % 9}` }, library: { name: "analytics.js", version: "2.1" } },
      });
    else if (r < 8)
      out.push({ ...base, type: "identify", traits: { plan: i % 2 ? "pro" : "free", logins: i } });
    else if (r < 9) out.push({ ...base, type: "group", groupId: `g${i % 4}`, traits: { seats: i } });
    else out.push({ ...base, type: "page", name: "Home", properties: { path: "/", ms: i * 1.5 } });
  }
  return out;
}

/** A loader that counts how many of its (and its forks') loads run at once. */
function counting(settings: Record<string, unknown>) {
  const seen = { active: 0, peak: 0, loads: 0 };
  const wrap = (l: WarehouseLoader): WarehouseLoader =>
    Object.assign(Object.create(l) as WarehouseLoader, {
      load: async (...args: Parameters<WarehouseLoader["load"]>) => {
        seen.loads++;
        seen.peak = Math.max(seen.peak, ++seen.active);
        try {
          return await l.load(...args);
        } finally {
          seen.active--;
        }
      },
      fork: () => wrap(l.fork!()),
    });
  return { seen, loader: wrap(new PostgresLoader(settings as never, true)) };
}

function warehouse(
  pg: TempPostgres,
  thread: boolean,
  opts: {
    lanes?: number;
    loaderFor?: (type: string, settings: Record<string, unknown>) => WarehouseLoader;
  } = {},
) {
  const { db } = tempDb("switchyard-batches-");
  const where = insertWorkspaceAndSource(db);
  const destinationId = insertDestination(db, {
    workspaceId: where.workspaceId,
    sourceIds: [where.sourceId],
    type: "postgres",
    settings: { ...pg.settings },
    enabled: false,
  });
  const scheduler = startWarehouseScheduler({
    db,
    encryptionKey: () => TEST_KEY,
    allowPrivate: () => true,
    tickMs: 3_600_000,
    batchSize: 70,
    thread,
    ...opts,
  });
  const sync = async () => {
    store.queueRun(db, { id: destinationId, workspaceId: where.workspaceId }, "manual", Date.now(), null);
    await scheduler.tick();
    return store.listRuns(db, destinationId, 1)[0]!;
  };
  /** Every table's rows (uuid_ts, the load time, left out), ordered by id. */
  const dump = async () => {
    const schema = store.listSchemas(db, destinationId)[0]!.schemaName;
    const tables = await pg.query<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
      [schema],
    );
    const out: Record<string, unknown[]> = {};
    for (const { t } of tables) {
      const rows = await pg.query(`SELECT * FROM "${schema}"."${t}" ORDER BY id`);
      out[t] = rows.map(({ uuid_ts: _, ...rest }) => rest);
    }
    return out;
  };
  return { db, where, sync, dump, stop: () => scheduler.stop() };
}

describe("preparing batches", () => {
  it("cuts a backlog into a small first batch, large middle ones and a small last one", () => {
    const sizes = { first: 2_000, rest: 25_000, last: 2_000, pending: 100_000 };
    const cuts: number[] = [];
    let read = 0;
    while (read < sizes.pending) {
      const n = Math.min(nextBatchSize(sizes, cuts.length, read), sizes.pending - read);
      cuts.push(n);
      read += n;
    }
    expect(cuts).toEqual([2_000, 25_000, 25_000, 25_000, 21_000, 2_000]);
    // Messages arriving during the sync are read in full batches.
    expect(nextBatchSize(sizes, 6, 100_000)).toBe(25_000);
  });

  it("a thread of its own and the sync's own thread load exactly the same warehouse, batch after batch", async () => {
    const threaded = warehouse(pgA, true);
    const inline = warehouse(pgB, false);
    try {
      const { started, replanned } = threadStats();
      const receivedAt = Date.now();
      for (const w of [threaded, inline]) archive(w.db, w.where, messages(), receivedAt);
      const [a, b] = [await threaded.sync(), await inline.sync()];
      expect(a).toMatchObject({ status: "succeeded", messages: 300, pending: 0 });
      expect(b).toMatchObject({ status: "succeeded", messages: 300, pending: 0 });
      const perTable = (rows: string) =>
        Object.fromEntries(Object.entries(JSON.parse(rows)).map(([k, n]) => [k.split(".")[1], n]));
      expect(perTable(a.rows)).toEqual(perTable(b.rows));
      const [da, db] = [await threaded.dump(), await inline.dump()];
      expect(Object.keys(da)).toEqual(
        expect.arrayContaining([
          "tracks",
          "order_completed",
          "identifies",
          "users",
          "groups",
          "accounts",
          "pages",
        ]),
      );
      expect(da).toEqual(db);
      expect(da.tracks).toHaveLength(180);
      // The conflict rule held on both: items stayed bigint, later strings kept in _conflicts.
      const late = da.order_completed!.find((r) => (r as { id: string }).id === "m-210") as Record<
        string,
        unknown
      >;
      expect(late).toMatchObject({ items: null, _conflicts: '{"items":"many-210"}' });
      const flagged = da.order_completed!.find((r) => (r as { id: string }).id === "m-72") as Record<
        string,
        unknown
      >;
      expect(flagged).toMatchObject({ flag: null, _conflicts: '{"flag":"flag-72"}' });
      expect(threadStats().replanned).toBeGreaterThan(replanned);
      expect(threadStats().started - started).toBeLessThanOrEqual(2);

      // A second sync with new messages reuses the idle thread rather than starting another.
      archive(threaded.db, threaded.where, [{ type: "track", event: "Signed Up", userId: "u-new" }]);
      const before = threadStats().started;
      expect(await threaded.sync()).toMatchObject({ status: "succeeded", messages: 1 });
      expect(threadStats().started).toBe(before);
      expect(threadStats().idle).toBeGreaterThanOrEqual(1);
    } finally {
      await threaded.stop();
      await inline.stop();
    }
  });

  it("loads over two warehouse connections at once, and the warehouse is the same as over one", async () => {
    // Databases of their own: nothing loaded before (the same messages would be deduplicated).
    const [pgTwo, pgOne] = await Promise.all([tempPostgres("sy_wh_two"), tempPostgres("sy_wh_one")]);
    const two = counting(pgTwo.settings);
    const one = counting(pgOne.settings);
    const a = warehouse(pgTwo, true, { loaderFor: () => two.loader });
    const b = warehouse(pgOne, true, { lanes: 1, loaderFor: () => one.loader });
    try {
      const receivedAt = Date.now();
      for (const w of [a, b]) archive(w.db, w.where, messages(), receivedAt);
      expect(await a.sync()).toMatchObject({ status: "succeeded", messages: 300, pending: 0 });
      expect(await b.sync()).toMatchObject({ status: "succeeded", messages: 300, pending: 0 });
      expect(two.seen.peak).toBe(2);
      expect(one.seen.peak).toBe(1);
      expect(two.seen.loads).toBe(one.seen.loads);
      const dumped = await a.dump();
      expect(dumped.tracks).toHaveLength(180);
      expect(dumped).toEqual(await b.dump());
    } finally {
      await a.stop();
      await b.stop();
      await Promise.all([pgTwo.drop(), pgOne.drop()]);
    }
  });

  it("when the thread cannot start, the sync prepares its batches itself and loads everything", async () => {
    const w = warehouse(pgA, true);
    const root = process.env.SWITCHYARD_ROOT;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      // Drain the pool so a new thread is needed, then point it at a directory without its file.
      await threadStats().drain();
      process.env.SWITCHYARD_ROOT = "/nonexistent-switchyard-root";
      archive(w.db, w.where, messages().slice(0, 100));
      const run = await w.sync();
      expect(run).toMatchObject({ status: "succeeded", messages: 100, pending: 0 });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("preparing batches on the main thread"));
      expect((await w.dump()).tracks!.length).toBeGreaterThan(0);
    } finally {
      if (root === undefined) delete process.env.SWITCHYARD_ROOT;
      else process.env.SWITCHYARD_ROOT = root;
      warn.mockRestore();
      await w.stop();
    }
  });
});

const available = await pgAvailable();

describe.skipIf(!available)("preparing batches on PostgreSQL's archive", () => {
  it("the thread reads the archive through a client of its own: no payload crosses the blocking connection", async () => {
    const own = await openMigratedPg();
    const sync = new PgSyncDatabase(own.db.url);
    let scheduler: ReturnType<typeof startWarehouseScheduler> | null = null;
    try {
      const source = await insertPgSource(own.pool);
      const destinationId = `dst_wh_${process.pid}_${Date.now()}`;
      await own.pool.query(
        `INSERT INTO "Destination" ("id", "workspaceId", "type", "name", "settings", "enabled", "createdAt", "updatedAt")
         VALUES ($1, $2, 'postgres', 'Warehouse', $3, false, now(), now())`,
        [destinationId, source.workspaceId, JSON.stringify(pgA.settings)],
      );
      await own.pool.query(
        `INSERT INTO "DestinationSource" ("destinationId", "sourceId", "createdAt") VALUES ($1, $2, now())`,
        [destinationId, source.id],
      );
      await new PgArchiveStore(own.pool).append(
        Array.from({ length: 130 }, (_, i) => {
          const m = archivedTrack(source, `pg-${i}`);
          return { ...m, payload: JSON.stringify({ ...JSON.parse(m.payload), properties: { n: i } }) };
        }),
      );
      scheduler = startWarehouseScheduler({
        db: sync as never,
        encryptionKey: () => TEST_KEY,
        allowPrivate: () => true,
        tickMs: 3_600_000,
        batchSize: 40,
      });
      const blocking = recordBlocking(sync);
      store.queueRun(
        sync as never,
        { id: destinationId, workspaceId: source.workspaceId },
        "manual",
        Date.now(),
        null,
      );
      await scheduler.tick();
      blocking.stop();
      const run = store.listRuns(sync as never, destinationId, 1)[0]!;
      expect(run).toMatchObject({ status: "succeeded", messages: 130, pending: 0, error: null });
      const schema = store.listSchemas(sync as never, destinationId)[0]!.schemaName;
      const [{ n, total }] = await pgA.query<{ n: string; total: string }>(
        `SELECT COUNT(*) AS n, SUM(n) AS total FROM "${schema}"."e"`,
      );
      expect([Number(n), Number(total)]).toEqual([130, (129 * 130) / 2]);
      expect(blocking.statements.filter((sql) => sql.includes('"payload"'))).toEqual([]);
    } finally {
      await scheduler?.stop();
      sync.close();
      await own.close();
    }
  });
});
