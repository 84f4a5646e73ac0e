import type Database from "better-sqlite3";
import { dialectOf } from "@/lib/db/dialect";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { openSqlite } from "@/lib/db/sqlite";
import { sqliteFilePath } from "@/lib/db/url";

/** The raw connection for any DATABASE_URL (tests and scripts that open a server's database). */
export function openRaw(databaseUrl: string): Database.Database {
  return dialectOf(databaseUrl) === "postgresql"
    ? new PgSyncDatabase(databaseUrl).asDatabase()
    : openSqlite(sqliteFilePath(databaseUrl));
}
