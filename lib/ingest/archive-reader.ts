import { dialectOf } from "@/lib/db/dialect";
import { pgPool } from "@/lib/db/pg";
import { sqlite } from "@/lib/db/sqlite";
import { env } from "@/lib/env";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { SqliteArchiveStore } from "@/lib/ingest/sqlite-store";
import type { ArchiveStore } from "@/lib/ingest/store";

// The archive for readers (debugger backlog, function samples): the SQLite store on the shared
// connection, or the PostgreSQL store on the process's pool. One per process (globalThis: the
// custom server and Next's bundle load this module separately).

const key = Symbol.for("switchyard.archive.reader");

export function archiveReader(): ArchiveStore {
  const g = globalThis as { [key]?: ArchiveStore };
  g[key] ??=
    dialectOf(env().DATABASE_URL) === "postgresql"
      ? new PgArchiveStore(pgPool())
      : new SqliteArchiveStore(sqlite());
  return g[key];
}
