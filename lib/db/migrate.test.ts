import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, migrationsDir } from "@/lib/db/migrate";

// Upgrades a database that already holds data, migration by migration, the way an existing
// installation meets a new release.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-migrate-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function migrationsUpTo(last: string): string {
  const dir = path.join(tmp, `upto-${last}`);
  for (const name of fs.readdirSync(migrationsDir())) {
    if (name > last) continue;
    fs.cpSync(path.join(migrationsDir(), name), path.join(dir, name), { recursive: true });
  }
  return dir;
}

describe("0005_archive_dedup_index", () => {
  it("carries the open dedup window from DedupKey onto the newest accepted row of each key", () => {
    const db = new Database(path.join(tmp, "upgrade.db"));
    migrate(db, migrationsUpTo("0004_delivery_hourly"));
    const now = Date.now();
    const insert = db.prepare(
      `INSERT INTO "Message" ("workspaceId", "sourceId", "messageId", "type", "status", "receivedAt", "payload")
       VALUES (?, 'src', ?, 'track', ?, ?, '{}')`,
    );
    const key = db.prepare(
      `INSERT INTO "DedupKey" ("workspaceId", "messageId", "receivedAt") VALUES (?, ?, ?)`,
    );
    const day = 86_400_000;
    // "again" was stored twice: two days ago, and again today once its key had expired.
    insert.run("ws1", "again", "accepted", now - 2 * day);
    const latest = insert.run("ws1", "again", "accepted", now - 1000).lastInsertRowid;
    key.run("ws1", "again", now - 1000);
    // A rejected row never held a key; the same id accepted in another workspace keeps its own.
    insert.run("ws1", "once", "rejected", now);
    const accepted = insert.run("ws1", "once", "accepted", now).lastInsertRowid;
    key.run("ws1", "once", now);
    const other = insert.run("ws2", "once", "accepted", now).lastInsertRowid;
    key.run("ws2", "once", now);
    // Generated ids never had a key.
    insert.run("ws1", "generated", "accepted", now);

    // Later migrations (if any) run too; this one must come first.
    expect(migrate(db)[0]).toBe("0005_archive_dedup_index");
    const keyed = db
      .prepare(
        `SELECT "seq", "workspaceId", "dedupKey" FROM "Message" WHERE "dedupKey" IS NOT NULL ORDER BY "seq"`,
      )
      .all();
    expect(keyed).toEqual([
      { seq: Number(latest), workspaceId: "ws1", dedupKey: "again" },
      { seq: Number(accepted), workspaceId: "ws1", dedupKey: "once" },
      { seq: Number(other), workspaceId: "ws2", dedupKey: "once" },
    ]);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'DedupKey'`).get()).toBeUndefined();
    db.close();
  });
});
