import fs from "node:fs";
import path from "node:path";
import "@/e2e/api/support"; // the server's environment (DATA_DIR, DATABASE_URL)
import { describe, expect, it } from "vitest";
import { dialectOf } from "@/lib/db/dialect";
import { sqliteFilePath } from "@/lib/db/url";

// The running server's data files are private to its user (0600 in a 0700 DATA_DIR): on SQLite
// the database and its WAL; on PostgreSQL the database lives on the server, DATA_DIR keeps the rest.

describe("the server's data files", () => {
  it("are 0600 in a 0700 directory", () => {
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    const dir = process.env.DATA_DIR!;
    expect(mode(dir)).toBe(0o700);
    if (dialectOf(process.env.DATABASE_URL!) === "sqlite") {
      const file = sqliteFilePath(process.env.DATABASE_URL!);
      expect(mode(file)).toBe(0o600);
      if (fs.existsSync(`${file}-wal`)) expect(mode(`${file}-wal`)).toBe(0o600);
    }
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }))
      if (entry.isFile()) expect(mode(path.join(dir, entry.name)), entry.name).toBe(0o600);
  });
});
