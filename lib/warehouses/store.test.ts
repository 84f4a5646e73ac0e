import { expect, it } from "vitest";
import {
  archive,
  insertDestination,
  insertWorkspaceAndSource,
  tempDb,
} from "@/lib/delivery/testing/fixtures";
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
