import { expect, it } from "vitest";
import { archivedTrack, insertPgSource, openMigratedPg } from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable, recordBlocking } from "@/lib/db/pg-testing";
import {
  archive,
  insertDestination,
  insertWorkspaceAndSource,
  tempDb,
} from "@/lib/delivery/testing/fixtures";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { pruneArchive } from "@/lib/ingest/retention";
import { SqliteArchiveStore } from "@/lib/ingest/sqlite-store";
import * as store from "./store";

it("retention counts the messages a warehouse had not loaded as missed and moves its cursor past them", async () => {
  const { db } = tempDb("switchyard-warehouse-store-");
  const { workspaceId, sourceId } = insertWorkspaceAndSource(db);
  const destinationId = insertDestination(db, {
    workspaceId,
    sourceIds: [sourceId],
    type: "postgres",
    settings: { host: "warehouse.example.com", database: "a", username: "b" },
  });
  const now = Date.now();
  store.getState(db, destinationId, workspaceId, now);
  const old = archive(
    db,
    { workspaceId, sourceId },
    [
      { type: "track", event: "A", userId: "u" },
      { type: "track", event: "B", userId: "u" },
    ],
    now - 9 * 86_400_000,
  );
  archive(db, { workspaceId, sourceId }, [{ type: "track", event: "C", userId: "u" }], now);
  const result = await pruneArchive(
    new SqliteArchiveStore(db),
    7,
    now,
    () => false,
    (cutoff) => store.recordRetentionLoss(db, cutoff),
  );
  expect(result.messages).toBe(2);
  const state = store.findState(db, destinationId)!;
  expect(state.missed).toBe(2);
  expect(state.lastSeq).toBe(old[1]);
  expect(store.countPending(db, [sourceId], state.lastSeq)).toBe(1);
  // Nothing more to lose: a second prune adds nothing.
  await pruneArchive(
    new SqliteArchiveStore(db),
    7,
    now,
    () => false,
    (cutoff) => store.recordRetentionLoss(db, cutoff),
  );
  expect(store.findState(db, destinationId)!.missed).toBe(2);
});

it("a deleted warehouse's cursor, schemas, runs and Selective Sync rows are swept", () => {
  const { db } = tempDb("switchyard-warehouse-sweep-");
  const { workspaceId, sourceId } = insertWorkspaceAndSource(db);
  const settings = { host: "warehouse.example.com", database: "a", username: "b" };
  const kept = insertDestination(db, { workspaceId, sourceIds: [sourceId], type: "postgres", settings });
  const gone = insertDestination(db, { workspaceId, sourceIds: [sourceId], type: "postgres", settings });
  for (const id of [kept, gone]) {
    store.getState(db, id, workspaceId, Date.now());
    store.ensureSchemas(db, { id, sources: [{ id: sourceId, slug: "web", name: "Web" }] });
    store.queueRun(db, { id, workspaceId }, "manual", Date.now(), null);
    store.replaceSelection(db, id, [{ tableName: "pages", columnName: "" }], new Date());
  }
  db.prepare(`DELETE FROM "Destination" WHERE "id" = ?`).run(gone);
  expect(store.sweepDeleted(db)).toBe(4);
  expect(store.findState(db, gone)).toBeUndefined();
  expect(store.findState(db, kept)).toBeDefined();
  expect(store.listRuns(db, kept, 5)).toHaveLength(1);
  expect(store.listSelection(db, kept)).toHaveLength(1);
});

const pgHere = await pgAvailable();
it.skipIf(!pgHere)(
  "on PostgreSQL retention counts a warehouse's missed messages without blocking the ingest's event loop",
  async () => {
    const pg = await openMigratedPg();
    const sync = new PgSyncDatabase(pg.db.url);
    try {
      const source = await insertPgSource(pg.pool);
      await pg.pool.query(
        `INSERT INTO "Destination" ("id", "workspaceId", "type", "name", "settings", "enabled", "createdAt", "updatedAt")
         VALUES ('wh_pg', $1, 'postgres', 'Warehouse', '{}', true, now(), now())`,
        [source.workspaceId],
      );
      await pg.pool.query(
        `INSERT INTO "DestinationSource" ("destinationId", "sourceId", "createdAt") VALUES ('wh_pg', $1, now())`,
        [source.id],
      );
      const now = Date.now();
      store.getState(sync.asDatabase(), "wh_pg", source.workspaceId, now);
      const archiveStore = new PgArchiveStore(pg.pool);
      await archiveStore.append(
        ["old-1", "old-2"].map((id) => ({ ...archivedTrack(source, id), receivedAt: now - 9 * 86_400_000 })),
      );
      await archiveStore.append([archivedTrack(source, "new-1")]);
      const recording = recordBlocking(sync);
      const result = await pruneArchive(
        archiveStore,
        7,
        now,
        () => false,
        (cutoff) => store.recordRetentionLoss(sync.asDatabase(), cutoff),
      );
      recording.stop();
      expect(result.messages).toBe(2);
      expect(recording.statements).toEqual([]);
      const state = (
        await pg.pool.query(`SELECT "missed" FROM "WarehouseState" WHERE "destinationId" = 'wh_pg'`)
      ).rows[0] as { missed: number };
      expect(Number(state.missed)).toBe(2);
    } finally {
      sync.close();
      await pg.close();
    }
  },
);

it("the count that sizes a sync's batches reads the index alone and is an upper bound of what is left", () => {
  const { db } = tempDb("switchyard-warehouse-estimate-");
  const { workspaceId, sourceId } = insertWorkspaceAndSource(db);
  const seqs = archive(db, { workspaceId, sourceId }, [
    { type: "track", event: "A", userId: "u" },
    { type: "track", event: "B", userId: "u" },
    { type: "track", event: "C", userId: "u" },
  ]);
  db.prepare(`UPDATE "Message" SET "status" = 'rejected' WHERE "seq" = ?`).run(seqs[1]);
  expect(store.countPending(db, [sourceId], 0)).toBe(2);
  expect(store.estimatePending(db, [sourceId], 0)).toBe(3);
  expect(store.estimatePending(db, [sourceId], seqs[2]!)).toBe(0);
  expect(store.estimatePending(db, [], 0)).toBe(0);
  // It runs on the event loop before every sync: no message row is read, only the index (the
  // exact count reads each row's status: ~70–100 ms for 100,000 pending messages).
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${store.pendingSql(1, false)}`).all(sourceId, 0) as {
    detail: string;
  }[];
  expect(plan.map((p) => p.detail).join("; ")).toMatch(/USING COVERING INDEX "?Message_sourceId_seq_idx/);
});
