import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { dialectOf } from "@/lib/db/dialect";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { sqliteFilePath } from "@/lib/db/url";
import { env } from "@/lib/env";
import { createPrivateFile, privateDir, privateSqliteFiles } from "@/lib/fs/private";

// The raw driver connection for hot paths (ingest group commit, delivery queue, rollups) and
// for migrations. With a PostgreSQL DATABASE_URL, sqlite() returns the synchronous PostgreSQL
// connection with the same API instead (lib/db/pg-sync.ts). Prisma has its own connection to
// the same database; on SQLite, WAL lets both work at once.

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
  if (!g[key]) {
    const url = env().DATABASE_URL;
    // PostgreSQL: a synchronous connection with the same API (lib/db/pg-sync.ts), so the
    // raw-SQL stores run unchanged; the ingest hot path uses the async pool (lib/db/pg.ts).
    g[key] =
      dialectOf(url) === "postgresql"
        ? new PgSyncDatabase(url).asDatabase()
        : openSqlite(sqliteFilePath(url));
  }
  return g[key];
}
