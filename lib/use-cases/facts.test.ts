import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getUseCase } from "@/lib/catalog/use-cases";
import { SqliteArchiveStore } from "@/lib/ingest/sqlite-store";
import { insertSource, openMigrated, type TestSource, tempDbFile } from "@/lib/ingest/testing/fixtures";
import { arrivals, COUNT_CAP } from "@/lib/use-cases/facts";

// Arrivals are read from the real archive schema: accepted messages only, by event name, with
// page calls standing in for "Page Viewed", across several sources, counts capped.

const winback = getUseCase("personalize-communications", "personalize-winback")!;
let db: Database.Database;
let a: TestSource;
let b: TestSource;

function archive(source: TestSource, type: string, event: string | null, at: number, status = "accepted") {
  new SqliteArchiveStore(db).appendSync([
    {
      workspaceId: source.workspaceId,
      sourceId: source.id,
      messageId: `m-${Math.random()}`,
      type,
      event,
      userId: "u1",
      anonymousId: null,
      status: status as "accepted" | "rejected",
      reason: status === "rejected" ? "invalid" : null,
      receivedAt: at,
      payload: JSON.stringify({ type, event }),
      dedup: status === "accepted",
    },
  ]);
}

beforeAll(() => {
  db = openMigrated(tempDbFile("switchyard-use-cases-"));
  a = insertSource(db);
  b = insertSource(db, { workspaceId: a.workspaceId });
});
afterAll(() => db.close());

describe("arrivals", () => {
  it("is empty with no messages and ignores rejected ones and other events", async () => {
    archive(a, "track", "Order Completed", 1000, "rejected");
    archive(a, "track", "Something Else", 1000);
    expect(await arrivals(winback, [a.id, b.id], db)).toEqual({});
  });

  it("counts page calls for Page Viewed and merges sources, newest source wins", async () => {
    archive(a, "page", null, 2000);
    archive(b, "track", "Page Viewed", 3000);
    archive(a, "track", "Order Completed", 4000);
    const seen = await arrivals(winback, [a.id, b.id], db);
    expect(seen["Page Viewed"]).toEqual({ count: 2, lastAt: 3000, sourceId: b.id });
    expect(seen["Order Completed"]).toEqual({ count: 1, lastAt: 4000, sourceId: a.id });
    expect(seen["Page Scrolled"]).toBeUndefined();
    expect((await arrivals(winback, [b.id], db))["Order Completed"]).toBeUndefined();
  });

  it("stops counting at the cap", async () => {
    const insert = db.transaction(() => {
      for (let i = 0; i < COUNT_CAP + 5; i++) archive(b, "track", "Page Scrolled", 5000 + i);
    });
    insert();
    expect((await arrivals(winback, [a.id, b.id], db))["Page Scrolled"]).toEqual({
      count: COUNT_CAP,
      lastAt: 5000 + COUNT_CAP + 4,
      sourceId: b.id,
    });
  });
});
