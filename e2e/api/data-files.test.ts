import fs from "node:fs";
import "@/e2e/api/support"; // the server's environment (DATA_DIR, DATABASE_URL)
import { describe, expect, it } from "vitest";
import { sqliteFilePath } from "@/lib/db/url";

// The running server's database is private to its user (0600 in a 0700 DATA_DIR).

describe("the server's data files", () => {
  it("are 0600 in a 0700 directory", () => {
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    const file = sqliteFilePath(process.env.DATABASE_URL!);
    expect(mode(process.env.DATA_DIR!)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    if (fs.existsSync(`${file}-wal`)) expect(mode(`${file}-wal`)).toBe(0o600);
  });
});
