import fs from "node:fs";
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Checkpointer, startCheckpointer } from "@/lib/ingest/checkpointer";
import type { ArchivedMessage } from "@/lib/ingest/store";
import {
  insertSource,
  openMigrated,
  removeDbFile,
  type TestSource,
  tempDbFile,
} from "@/lib/ingest/testing/fixtures";
import { WorkerArchiveStore } from "@/lib/ingest/worker-store";

// The WAL checkpointer runs when the writers have committed enough bytes, not only on its timer:
// at high write rates each run then copies a bounded amount (see CHECKPOINT_BYTES).

let file: string;
let db: Database.Database;
let source: TestSource;
let checkpointer: Checkpointer | null = null;
let store: WorkerArchiveStore | null = null;

beforeEach(() => {
  file = tempDbFile();
  db = openMigrated(file);
  source = insertSource(db);
  db.pragma("wal_checkpoint(TRUNCATE)");
});
afterEach(async () => {
  await store?.close();
  await checkpointer?.stop();
  store = null;
  checkpointer = null;
  db.close();
  removeDbFile(file);
});

/** ~1 MB of payload in 1,000 messages. */
function megabyte(): ArchivedMessage[] {
  const filler = "x".repeat(1000);
  return Array.from({ length: 1000 }, (_, i) => ({
    workspaceId: source.workspaceId,
    sourceId: source.id,
    messageId: `m-${i}-${Math.random()}`,
    type: "track",
    event: "Filler",
    userId: "u",
    anonymousId: null,
    status: "accepted" as const,
    reason: null,
    receivedAt: Date.now(),
    payload: JSON.stringify({ type: "track", event: "Filler", filler }),
    dedup: true,
  }));
}

/** The database file's size: it grows only when a checkpoint copies the WAL's new pages into it. */
const dbBytes = () => fs.statSync(file).size;

async function grows(from: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (dbBytes() > from + 512 * 1024) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

async function writeMegabyte(opts: { intervalMs: number; thresholdBytes: number }): Promise<number> {
  checkpointer = startCheckpointer(file, opts);
  store = new WorkerArchiveStore(db, {
    caughtUp: checkpointer.caughtUp,
    checkpoints: checkpointer,
  });
  const before = dbBytes();
  const result = await store.append(megabyte());
  expect(result.stored).toBe(1000);
  return before;
}

describe("WAL checkpointer", () => {
  it("checkpoints as soon as the writer has committed its threshold of bytes, long before its timer", async () => {
    const before = await writeMegabyte({ intervalMs: 60_000, thresholdBytes: 256 * 1024 });
    expect(await grows(before, 3000)).toBe(true);
  });

  it("leaves the WAL alone below the threshold until the timer fires", async () => {
    const before = await writeMegabyte({ intervalMs: 60_000, thresholdBytes: 64 * 1024 * 1024 });
    expect(await grows(before, 500)).toBe(false);
  });

  it("still checkpoints on its timer when little is written", async () => {
    const before = await writeMegabyte({ intervalMs: 50, thresholdBytes: 64 * 1024 * 1024 });
    expect(await grows(before, 3000)).toBe(true);
  });
});
