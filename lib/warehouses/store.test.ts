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
