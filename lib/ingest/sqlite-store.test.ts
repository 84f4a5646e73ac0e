import fs from "node:fs";
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptedPerSourceSince,
  escapeLike,
  firstSeqSince,
  SqliteArchiveStore,
} from "@/lib/ingest/sqlite-store";
import { type ArchivedMessage, type ArchiveStore, DEDUP_WINDOW_MS, rowToTapEvent } from "@/lib/ingest/store";
import {
  insertSource,
  openMigrated,
  removeDbFile,
  type TestSource,
  tempDbFile,
} from "@/lib/ingest/testing/fixtures";
import { WorkerArchiveStore } from "@/lib/ingest/worker-store";

let db: Database.Database;
let source: TestSource;
const file = tempDbFile();
beforeAll(() => {
  db = openMigrated(file);
  source = insertSource(db);
});
afterAll(() => {
  db.close();
  removeDbFile(file);
});

let n = 0;
function message(over: Partial<ArchivedMessage> & { body?: Record<string, unknown> } = {}): ArchivedMessage {
  n++;
  const { body, ...columns } = over;
  const type = columns.type ?? "track";
  const event = columns.event === undefined ? (type === "track" ? "Noise" : null) : columns.event;
  const payload = JSON.stringify({
    type,
    event,
    userId: columns.userId ?? "u-noise",
    messageId: `m${n}`,
    ...body,
  });
  return {
    workspaceId: source.workspaceId,
    sourceId: source.id,
    messageId: `m-${n}-${Math.random()}`,
    type,
    event,
    userId: "u-noise",
    anonymousId: null,
    status: "accepted",
    reason: null,
    receivedAt: Date.now(),
    payload,
    dedup: true,
    ...columns,
  };
}

describe.each([
  ["inline (SqliteArchiveStore)", () => new SqliteArchiveStore(db)],
  ["writer thread (WorkerArchiveStore)", () => new WorkerArchiveStore(db)],
])("append via %s", (_name, make) => {
  let store: ArchiveStore;
  beforeAll(() => {
    store = make();
  });
  afterAll(async () => {
    if (store instanceof WorkerArchiveStore) await store.close();
  });

  it("returns increasing seqs in input order and marks duplicates with null", async () => {
    const a = message();
    const dup = { ...message(), messageId: a.messageId };
    const rejected = message({ status: "rejected", reason: "bad", dedup: false, messageId: a.messageId });
    const result = await store.append([a, dup, rejected]);
    expect(result.duplicates).toBe(1);
    expect(result.stored).toBe(2);
    expect(result.seqs[1]).toBeNull();
    expect(result.seqs[2]).toBeGreaterThan(result.seqs[0]!);
    const again = await store.append([{ ...a }]);
    expect(again.seqs).toEqual([null]);
  });

  it("treats a messageId seen more than 24 hours ago as new, and deduplicates from there on", async () => {
    const old = message({ receivedAt: Date.now() - DEDUP_WINDOW_MS - 60_000 });
    await store.append([old]);
    const fresh = await store.append([{ ...old, receivedAt: Date.now() }]);
    expect(fresh.seqs[0]).not.toBeNull();
    const again = await store.append([{ ...old, receivedAt: Date.now() }]);
    expect(again.seqs).toEqual([null]);
    const stored = db.prepare(`SELECT COUNT(*) AS n FROM "Message" WHERE "messageId" = ?`).get(old.messageId);
    expect(stored).toEqual({ n: 2 });
  });

  it("deduplicates per workspace, never across workspaces", async () => {
    const other = insertSource(db);
    const a = message();
    const elsewhere = { ...a, workspaceId: other.workspaceId, sourceId: other.id };
    const result = await store.append([a, elsewhere]);
    expect(result.duplicates).toBe(0);
  });
});

describe("writer thread", () => {
  it.runIf(process.platform === "linux")(
    "is named archive-writer, so top -H shows where the CPU goes",
    async () => {
      const names = () =>
        fs.readdirSync("/proc/self/task").map((tid) => {
          try {
            return fs.readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim();
          } catch {
            return ""; // the thread ended between readdir and read
          }
        });
      const store = new WorkerArchiveStore(db);
      try {
        await store.append([message()]);
        expect(names()).toContain("archive-writer");
      } finally {
        await store.close();
      }
    },
  );
});

describe("writer thread durability", () => {
  it("answers an append only after the WAL flush; after a failed flush it refuses every write", async () => {
    const store = new WorkerArchiveStore(db, { testFlushError: "disk on fire" });
    try {
      await expect(store.append([message()])).rejects.toThrow(/could not flush the WAL: disk on fire/);
      await expect(store.append([message()])).rejects.toThrow(/refuses writes until restarted/);
    } finally {
      await store.close();
    }
  });
});

describe("recent", () => {
  let store: SqliteArchiveStore;
  let rareSeq: number;
  beforeAll(async () => {
    store = new SqliteArchiveStore(db);
    const noise = Array.from({ length: 1000 }, () => message());
    const rare = message({
      event: "Refund Issued",
      userId: "user-42",
      body: { event: "Refund Issued", properties: { note: "100%_off" } },
    });
    const more = Array.from({ length: 1000 }, (_, i) =>
      message({ type: i % 2 ? "page" : "identify", event: null, anonymousId: i === 500 ? "anon-7" : null }),
    );
    const rejected = message({
      status: "rejected",
      reason: "track messages need an event name",
      dedup: false,
    });
    const result = await store.append([...noise, rare, ...more, rejected]);
    rareSeq = result.seqs[1000]!;
  });

  it("finds a rare event among 2,000 noisy ones", () => {
    const rows = store.recent(source.id, { event: "Refund Issued", limit: 50 });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.seq).toBe(rareSeq);
    expect(rowToTapEvent(rows[0]!).message.event).toBe("Refund Issued");
  });

  it("returns the newest matching rows first, up to the limit", () => {
    const rows = store.recent(source.id, { types: ["page"], limit: 10 });
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.type === "page")).toBe(true);
    expect(rows.map((r) => r.seq)).toEqual([...rows.map((r) => r.seq)].sort((a, b) => b - a));
  });

  it("filters by user (userId or anonymousId), text, rejected and seq bounds", () => {
    expect(store.recent(source.id, { user: "user-42", limit: 5 }).map((r) => r.seq)).toEqual([rareSeq]);
    expect(store.recent(source.id, { user: "anon-7", limit: 5 })).toHaveLength(1);
    expect(store.recent(source.id, { text: "refund issued", limit: 5 }).map((r) => r.seq)).toEqual([rareSeq]);
    expect(store.recent(source.id, { text: "100%_off", limit: 5 }).map((r) => r.seq)).toEqual([rareSeq]);
    expect(store.recent(source.id, { text: "100%_xff", limit: 5 })).toHaveLength(0);
    const rejected = store.recent(source.id, { rejectedOnly: true, limit: 5 });
    expect(rejected[0]!.reason).toMatch(/event name/);
    const before = store.recent(source.id, { beforeSeq: rareSeq, types: ["track"], limit: 3 });
    expect(before.every((r) => r.seq < rareSeq)).toBe(true);
    const after = store.recent(source.id, { afterSeq: rareSeq, limit: 1000 });
    expect(after.every((r) => r.seq > rareSeq)).toBe(true);
    expect(after).toHaveLength(1000); // capped at MAX_RECENT_LIMIT
  });

  it("escapes LIKE wildcards", () => {
    expect(escapeLike("50%_a\\b")).toBe("50\\%\\_a\\\\b");
  });
});

describe("prune", () => {
  // Its own file: seq is arrival order and receivedAt the arrival time, so the oldest rows come
  // first, which prune relies on; the other tests append "old" rows after recent ones.
  const pruneFile = tempDbFile();
  let pdb: Database.Database;
  beforeAll(() => {
    pdb = openMigrated(pruneFile);
  });
  afterAll(() => {
    pdb.close();
    removeDbFile(pruneFile);
  });

  it("deletes messages older than the cutoff, oldest first, in chunks, and keeps the rest", async () => {
    const store = new SqliteArchiveStore(pdb);
    const day = 86_400_000;
    const old = Array.from({ length: 4500 }, (_, i) => message({ receivedAt: Date.now() - 10 * day + i }));
    const kept = message({ receivedAt: Date.now() - 6 * day });
    await store.append([...old, kept, message()]);
    const cutoff = Date.now() - 7 * day;
    expect(store.prune(cutoff, 100)).toBe(100);
    expect(store.prune(cutoff)).toBe(4400);
    const count = pdb.prepare(`SELECT COUNT(*) AS n FROM "Message" WHERE "receivedAt" < ?`);
    expect(count.get(cutoff)).toEqual({ n: 0 });
    expect(store.prune(cutoff)).toBe(0);
    expect(count.get(Date.now())).toEqual({ n: 2 });
    expect(store.recent(source.id, { limit: 5 }).map((r) => r.messageId)).toContain(kept.messageId);
  });

  it("keeps a row that still holds a dedup key younger than 24 h, even with a shorter retention", async () => {
    const file2 = tempDbFile();
    const db2 = openMigrated(file2);
    try {
      const store = new SqliteArchiveStore(db2);
      const hour = 3_600_000;
      const keyed = message({ receivedAt: Date.now() - 2 * hour });
      const unkeyed = message({
        receivedAt: Date.now() - 2 * hour,
        status: "rejected",
        reason: "x",
        dedup: false,
      });
      await store.append([keyed, unkeyed]);
      expect(store.prune(Date.now() - hour)).toBe(1);
      const again = await store.append([{ ...keyed, receivedAt: Date.now() }]);
      expect(again.seqs).toEqual([null]);
    } finally {
      db2.close();
      removeDbFile(file2);
    }
  });

  it("walks past a row out of time order (clock stepped back) instead of stopping there", async () => {
    const file2 = tempDbFile();
    const db2 = openMigrated(file2);
    try {
      const store = new SqliteArchiveStore(db2);
      const old = () => message({ receivedAt: Date.now() - 10 * 86_400_000 });
      await store.append([old(), { ...old(), receivedAt: Date.now() }, ...Array.from({ length: 4500 }, old)]);
      expect(store.prune(Date.now() - 7 * 86_400_000)).toBe(4501);
      expect(db2.prepare(`SELECT COUNT(*) AS n FROM "Message"`).get()).toEqual({ n: 1 });
    } finally {
      db2.close();
      removeDbFile(file2);
    }
  });
});

describe("time windows by seq", () => {
  it("finds the first seq of a window and counts accepted messages per source since then", async () => {
    const file2 = tempDbFile();
    const db2 = openMigrated(file2);
    try {
      const store = new SqliteArchiveStore(db2);
      const a = insertSource(db2);
      const b = insertSource(db2, { workspaceId: a.workspaceId });
      const elsewhere = insertSource(db2);
      const day = 86_400_000;
      const now = Date.now();
      const at = (src: TestSource, receivedAt: number, status: "accepted" | "rejected" = "accepted") =>
        message({ workspaceId: src.workspaceId, sourceId: src.id, receivedAt, status });
      expect(await firstSeqSince(db2, now - day)).toBeNull();
      const result = await store.append([
        ...Array.from({ length: 300 }, (_, i) => at(a, now - 3 * day + i)),
        at(a, now - day + 1000),
        at(b, now - day + 2000),
        at(b, now - 1000, "rejected"),
        at(elsewhere, now - 500),
        at(a, now - 100),
      ]);
      expect(await firstSeqSince(db2, now - day)).toBe(result.seqs[300]);
      expect(await firstSeqSince(db2, now + day)).toBeNull();
      const counts = await acceptedPerSourceSince(db2, a.workspaceId, now - day);
      expect(Object.fromEntries(counts)).toEqual({ [a.id]: 2, [b.id]: 1 });
    } finally {
      db2.close();
      removeDbFile(file2);
    }
  });
});
