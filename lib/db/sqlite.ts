import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { sqliteFilePath } from "@/lib/db/url";
import { env } from "@/lib/env";
import { createPrivateFile, privateDir, privateSqliteFiles } from "@/lib/fs/private";

// The raw driver connection for hot paths (ingest group commit, delivery queue, rollups) and
// for migrations. Prisma has its own connection to the same file; WAL lets both work at once.

const key = Symbol.for("switchyard.sqlite");
type G = typeof globalThis & { [key]?: Database.Database };

export function openSqlite(file: string): Database.Database {
  const dir = path.dirname(file);
  // A directory we create is private; an existing one (possibly shared) is tightened by
  // hardenDataDir only when it is DATA_DIR. The file itself is created 0600 before SQLite opens it.
  if (!fs.existsSync(dir)) privateDir(dir);
  createPrivateFile(file);
  const db = new Database(file, { timeout: 10_000 });
  db.pragma("journal_mode = WAL");
  privateSqliteFiles(file); // SQLite gives -wal and -shm the database's mode; this covers older installs
  // FULL: an acknowledged ingest survives a power loss, not only a killed process.
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  return db;
}

export function sqlite(): Database.Database {
  const g = globalThis as G;
  g[key] ??= openSqlite(sqliteFilePath(env().DATABASE_URL));
  return g[key];
}
