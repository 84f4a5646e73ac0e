import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqlite } from "@/lib/db/sqlite";
import { hardenDataDir } from "@/lib/fs/private";

// The database and secrets.json are readable by the user running Switchyard only.

let root: string;
const mode = (p: string) => fs.statSync(p).mode & 0o777;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-private-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("private data files", () => {
  it("a new database is 0600 (with its WAL) in a new 0700 directory", () => {
    const file = path.join(root, "data", "switchyard.db");
    const db = openSqlite(file);
    db.exec("create table t (x); insert into t values (1)");
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    db.close();
  });

  it("an existing world-readable install is tightened at start", () => {
    const dir = path.join(root, "data");
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const db = path.join(dir, "switchyard.db");
    for (const f of [db, `${db}-wal`, path.join(dir, "secrets.json")]) {
      fs.writeFileSync(f, "x");
      fs.chmodSync(f, 0o644);
    }
    hardenDataDir(dir, db);
    expect(mode(dir)).toBe(0o700);
    expect(mode(db)).toBe(0o600);
    expect(mode(`${db}-wal`)).toBe(0o600);
    expect(mode(path.join(dir, "secrets.json"))).toBe(0o600);
  });

  it("never loosens a stricter mode", () => {
    const file = path.join(root, "secrets.json");
    fs.writeFileSync(file, "x");
    fs.chmodSync(file, 0o400);
    hardenDataDir(root, null);
    expect(mode(file)).toBe(0o400);
  });
});
