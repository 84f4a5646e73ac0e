import type Database from "better-sqlite3";
import type { ArchiveRow } from "./prepare";

// The archive as a warehouse sync reads it: accepted messages of some sources after a cursor, in
// seq order. Kept apart from store.ts so the preparing thread (prepare-thread.ts) loads only this.

/** Any connection with better-sqlite3's API (SQLite itself, or PostgreSQL's blocking connection). */
type Db = Pick<Database.Database, "prepare">;

export const archiveSql = (sources: number) =>
  `SELECT "seq", "sourceId", "receivedAt", "payload", "protocol" FROM "Message"
    WHERE "sourceId" IN (${Array.from({ length: sources }, () => "?").join(", ")}) AND "seq" > ? AND "status" = 'accepted'
    ORDER BY "seq" LIMIT ?`;

/**
 * The same rows one at a time, for SQLite: a row is flattened and dropped before the next is read,
 * so a batch's payloads never pile up in memory (the garbage collector's work grows with them).
 */
export function* iterateArchive(
  db: Database.Database,
  sourceIds: string[],
  afterSeq: number,
  limit: number,
): Generator<ArchiveRow> {
  if (!sourceIds.length) return;
  for (const row of db.prepare(archiveSql(sourceIds.length)).iterate(...sourceIds, afterSeq, limit)) {
    const r = row as ArchiveRow;
    if (typeof r.receivedAt !== "number") r.receivedAt = Number(r.receivedAt);
    yield r;
  }
}

export function readArchive(db: Db, sourceIds: string[], afterSeq: number, limit: number): ArchiveRow[] {
  if (!sourceIds.length) return [];
  const rows = db.prepare(archiveSql(sourceIds.length)).all(...sourceIds, afterSeq, limit) as ArchiveRow[];
  // receivedAt may come back as a bigint; the rows are fresh objects, so they are fixed in place.
  for (const row of rows) if (typeof row.receivedAt !== "number") row.receivedAt = Number(row.receivedAt);
  return rows;
}
