import type Database from "better-sqlite3";
import type { ArchiveRow } from "./prepare";

// The archive as a warehouse sync reads it: accepted messages of some sources after a cursor, in
// seq order. Kept apart from store.ts so the preparing thread (prepare-thread.ts) loads only this.

/** Any connection with better-sqlite3's API (SQLite itself, or PostgreSQL's blocking connection). */
type Db = Pick<Database.Database, "prepare">;

const sourcesIn = (sources: number) =>
  `"sourceId" IN (${Array.from({ length: sources }, () => "?").join(", ")})`;

export const archiveSql = (sources: number) =>
  `SELECT "seq", "sourceId", "receivedAt", "payload", "protocol" FROM "Message"
    WHERE ${sourcesIn(sources)} AND "seq" > ? AND "status" = 'accepted'
    ORDER BY "seq" LIMIT ?`;

/**
 * Where the next batch of at most `limit` messages after a seq ends: how many there are and the
 * last one's seq. Reads no payload, so a preparing thread can tell where the batch after it starts
 * before it reads its own (batches.ts prepares consecutive batches on two threads).
 */
export const boundsSql = (sources: number) =>
  `SELECT COUNT(*) AS "count", MAX("seq") AS "last" FROM (SELECT "seq" FROM "Message"
    WHERE ${sourcesIn(sources)} AND "seq" > ? AND "status" = 'accepted' ORDER BY "seq" LIMIT ?) AS b`;

/** The accepted messages of some sources with after < seq <= upTo, in seq order. */
export const rangeSql = (sources: number) =>
  `SELECT "seq", "sourceId", "receivedAt", "payload", "protocol" FROM "Message"
    WHERE ${sourcesIn(sources)} AND "seq" > ? AND "seq" <= ? AND "status" = 'accepted'
    ORDER BY "seq"`;

/** A batch's extent: `count` messages, the last at seq `last` (0 when there are none). */
export interface Bounds {
  count: number;
  last: number;
}

export function archiveBounds(db: Db, sourceIds: string[], afterSeq: number, limit: number): Bounds {
  if (!sourceIds.length) return { count: 0, last: 0 };
  const r = db.prepare(boundsSql(sourceIds.length)).get(...sourceIds, afterSeq, limit) as {
    count: number | bigint;
    last: number | bigint | null;
  };
  return { count: Number(r.count), last: Number(r.last ?? 0) };
}

/** receivedAt may come back as a bigint; the rows are fresh objects, so they are fixed in place. */
function archiveRow(row: unknown): ArchiveRow {
  const r = row as ArchiveRow;
  if (typeof r.receivedAt !== "number") r.receivedAt = Number(r.receivedAt);
  return r;
}

/**
 * The messages of one batch whose bounds are known, one at a time (SQLite): a row is flattened and
 * dropped before the next is read, so a batch's payloads never pile up in memory (the garbage
 * collector's work grows with them).
 */
export function* iterateRange(
  db: Database.Database,
  sourceIds: string[],
  afterSeq: number,
  upTo: number,
): Generator<ArchiveRow> {
  if (!sourceIds.length) return;
  for (const row of db.prepare(rangeSql(sourceIds.length)).iterate(...sourceIds, afterSeq, upTo))
    yield archiveRow(row);
}

/** The rows of one of the queries above (its parameters after the source ids). */
function readRows(db: Db, sql: (sources: number) => string, sourceIds: string[], a: number, b: number) {
  if (!sourceIds.length) return [];
  return db
    .prepare(sql(sourceIds.length))
    .all(...sourceIds, a, b)
    .map(archiveRow);
}

/** The messages with after < seq <= upTo. */
export const readRange = (db: Db, sourceIds: string[], afterSeq: number, upTo: number) =>
  readRows(db, rangeSql, sourceIds, afterSeq, upTo);

/** At most `limit` messages after a seq. */
export const readArchive = (db: Db, sourceIds: string[], afterSeq: number, limit: number) =>
  readRows(db, archiveSql, sourceIds, afterSeq, limit);
