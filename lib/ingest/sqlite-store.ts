import type Database from "better-sqlite3";
import type { Maybe } from "@/lib/db/off-loop";
import { all, get, perform, type Work } from "@/lib/db/work";
import { type Append, createAppender, type InsertOne } from "@/lib/ingest/sqlite-append.cjs";
import {
  type AppendResult,
  type ArchivedMessage,
  type ArchivedRow,
  type ArchiveStore,
  DEDUP_WINDOW_MS,
  type RecentFilter,
} from "@/lib/ingest/store";
import { createSchemaWriter, type SchemaWriter } from "@/lib/protocols/sql.cjs";

// ArchiveStore on better-sqlite3. SQL kept portable (ON CONFLICT, row-value IN, LIMIT in
// subqueries) so the PostgreSQL store can reuse it nearly verbatim.

// Deduplication rides on the archive itself: "dedupKey" (the messageId of an accepted message
// the client named) is unique per workspace; see sqlite-append.cjs for how a taken key is
// resolved. No separate table, no pruning job.
const INSERT_MESSAGE = `INSERT INTO "Message" ("workspaceId", "sourceId", "messageId", "dedupKey", "type",
  "event", "userId", "anonymousId", "status", "reason", "receivedAt", "payload", "protocol")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("workspaceId", "dedupKey") DO NOTHING`;
const FIND_KEY = `SELECT "receivedAt" FROM "Message" WHERE "workspaceId" = ? AND "dedupKey" = ?`;
const RELEASE_KEY = `UPDATE "Message" SET "dedupKey" = NULL WHERE "workspaceId" = ? AND "dedupKey" = ?`;
export const APPEND_SQL = { insertMessage: INSERT_MESSAGE, findKey: FIND_KEY, releaseKey: RELEASE_KEY };

const PRUNE_CHUNK = 2000;

// Oldest first by seq (receivedAt is stamped on arrival, so it follows seq): looks at one chunk of
// the oldest rows only, so a prune with nothing to do is one short walk. A row still holding a
// dedup key younger than the window stays, even when the retention is shorter than 24 hours.
const PRUNE_MESSAGES = `DELETE FROM "Message" WHERE "seq" IN
  (SELECT "seq" FROM (SELECT "seq", "receivedAt", "dedupKey" FROM "Message" ORDER BY "seq" LIMIT ${PRUNE_CHUNK})
   WHERE "receivedAt" < ? AND ("dedupKey" IS NULL OR "receivedAt" < ?) LIMIT ?)`;

const FIRST_SEQ_AT_OR_AFTER = `SELECT "seq", "receivedAt" FROM "Message" WHERE "seq" >= ? ORDER BY "seq" LIMIT 1`;

/**
 * The first seq received at or after `sinceMs`, found by bisecting seq (receivedAt follows it),
 * so time windows over the archive need no receivedAt index. null when nothing is that recent.
 * Database work (lib/db/work.ts): on PostgreSQL the ~25 probes run on the asynchronous pool.
 */
function* firstSeqSinceWork(sinceMs: number): Work<number | null> {
  const bounds = yield* get<{ lo: number | null; hi: number | null }>(
    `SELECT MIN("seq") AS lo, MAX("seq") AS hi FROM "Message"`,
  );
  if (!bounds || bounds.lo === null || bounds.hi === null) return null;
  let lo = Number(bounds.lo);
  const last = Number(bounds.hi);
  let hi = last + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const row = yield* get<{ seq: number; receivedAt: number }>(FIRST_SEQ_AT_OR_AFTER, [mid]);
    if (!row || Number(row.receivedAt) >= sinceMs) hi = mid;
    else lo = Number(row.seq) + 1;
  }
  return lo > last ? null : lo;
}

export function firstSeqSince(db: Database.Database, sinceMs: number): Maybe<number | null> {
  return perform(db, firstSeqSinceWork(sinceMs));
}

function* acceptedPerSourceSinceWork(workspaceId: string, sinceMs: number): Work<Map<string, number>> {
  const from = yield* firstSeqSinceWork(sinceMs);
  if (from === null) return new Map();
  // "+" keeps the planner on the seq range instead of the (workspaceId, dedupKey) index.
  const rows = yield* all<{ sourceId: string; n: number }>(
    `SELECT "sourceId", COUNT(*) AS n FROM "Message"
     WHERE "seq" >= ? AND +"workspaceId" = ? AND "status" = 'accepted' GROUP BY "sourceId"`,
    [from, workspaceId],
  );
  return new Map(rows.map((r) => [r.sourceId, Number(r.n)]));
}

/**
 * Accepted messages per source of a workspace since `sinceMs` (the Sources list's and the
 * Connections page's 24 h counts): at once on SQLite, off the event loop on PostgreSQL.
 */
export function acceptedPerSourceSince(
  db: Database.Database,
  workspaceId: string,
  sinceMs: number,
): Maybe<Map<string, number>> {
  return perform(db, acceptedPerSourceSinceWork(workspaceId, sinceMs));
}

const COLUMNS = `"seq", "workspaceId", "sourceId", "messageId", "type", "event", "userId", "anonymousId",
  "status", "reason", "receivedAt", "payload", "protocol"`;

export const MAX_RECENT_LIMIT = 1000;

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Builds the filtered, newest-first archive query. Exported for tests. */
export function recentQuery(sourceId: string, filter: RecentFilter): { sql: string; params: unknown[] } {
  const where = [`"sourceId" = ?`];
  const params: unknown[] = [sourceId];
  if (filter.types && filter.types.length > 0) {
    where.push(`"type" IN (${filter.types.map(() => "?").join(", ")})`);
    params.push(...filter.types);
  }
  if (filter.event !== undefined) {
    where.push(`"event" = ?`);
    params.push(filter.event);
  }
  if (filter.user !== undefined) {
    where.push(`("userId" = ? OR "anonymousId" = ?)`);
    params.push(filter.user, filter.user);
  }
  if (filter.text) {
    where.push(`"payload" LIKE ? ESCAPE '\\'`);
    params.push(`%${escapeLike(filter.text)}%`);
  }
  if (filter.rejectedOnly) where.push(`"status" = 'rejected'`);
  if (filter.beforeSeq !== undefined) {
    where.push(`"seq" < ?`);
    params.push(filter.beforeSeq);
  }
  if (filter.afterSeq !== undefined) {
    where.push(`"seq" > ?`);
    params.push(filter.afterSeq);
  }
  const limit = Math.max(1, Math.min(MAX_RECENT_LIMIT, Math.floor(filter.limit) || 1));
  params.push(limit);
  const sql = `SELECT ${COLUMNS} FROM "Message" WHERE ${where.join(" AND ")} ORDER BY "seq" DESC LIMIT ?`;
  return { sql, params };
}

/** The INSERT for message i (parameters in INSERT_MESSAGE's column order). */
const insertRow: InsertOne<ArchivedMessage[]> = (statement, batch, i) => {
  const m = batch[i]!;
  return statement.run(
    m.workspaceId,
    m.sourceId,
    m.messageId,
    m.dedup ? m.messageId : null,
    m.type,
    m.event,
    m.userId,
    m.anonymousId,
    m.status,
    m.reason,
    m.receivedAt,
    m.payload,
    m.protocol ?? null,
  );
};

export class SqliteArchiveStore implements ArchiveStore {
  private readonly append1: Append;
  private readonly pruneMessages: Database.Statement;
  private readonly queries = new Map<string, Database.Statement>();
  private readonly write: (batch: ArchivedMessage[]) => AppendResult;
  private readonly schema: SchemaWriter;

  constructor(private readonly db: Database.Database) {
    this.append1 = createAppender(db, APPEND_SQL);
    this.schema = createSchemaWriter(db);
    this.pruneMessages = db.prepare(PRUNE_MESSAGES);
    // IMMEDIATE takes the write lock up front: a deferred transaction that upgrades later can
    // fail with SQLITE_BUSY against Prisma's connection instead of waiting for it.
    this.write = db.transaction((batch: ArchivedMessage[]) => this.writeBatch(batch)).immediate;
  }

  append(batch: ArchivedMessage[]): Promise<AppendResult> {
    if (batch.length === 0) return Promise.resolve({ seqs: [], stored: 0, duplicates: 0 });
    try {
      return Promise.resolve(this.write(batch));
    } catch (err) {
      this.schema.reset();
      return Promise.reject(err);
    }
  }

  /** Synchronous form of append for callers already on the writer thread. */
  appendSync(batch: ArchivedMessage[]): AppendResult {
    if (batch.length === 0) return { seqs: [], stored: 0, duplicates: 0 };
    try {
      return this.write(batch);
    } catch (err) {
      this.schema.reset();
      throw err;
    }
  }

  private writeBatch(batch: ArchivedMessage[]): AppendResult {
    const seqs: (number | null)[] = new Array(batch.length);
    let duplicates = 0;
    for (let i = 0; i < batch.length; i++) {
      const m = batch[i]!;
      const seq = this.append1(
        insertRow,
        batch,
        i,
        m.workspaceId,
        m.dedup ? m.messageId : null,
        m.receivedAt - DEDUP_WINDOW_MS,
      );
      seqs[i] = seq < 0 ? null : seq;
      if (seq < 0) duplicates++;
      else if (m.status === "accepted")
        this.schema.add(m.sourceId, m.observation ?? null, m.protocol ?? null, m.receivedAt, m.messageId);
    }
    // The Source Schema's aggregates, in the same transaction as the messages they count.
    this.schema.flush(Date.now());
    return { seqs, stored: batch.length - duplicates, duplicates };
  }

  recent(sourceId: string, filter: RecentFilter): ArchivedRow[] {
    const { sql, params } = recentQuery(sourceId, filter);
    let statement = this.queries.get(sql);
    if (!statement) {
      if (this.queries.size > 200) this.queries.clear();
      statement = this.db.prepare(sql);
      this.queries.set(sql, statement);
    }
    return statement.all(...params) as ArchivedRow[];
  }

  // Small chunks, each its own transaction, so ingest never waits long for the write lock.
  // Stops at the first chunk that deletes nothing (a row out of time order in the oldest chunk,
  // e.g. after the clock stepped back, only slows the walk down).
  prune(olderThanMs: number, maxRows = Number.POSITIVE_INFINITY, now = Date.now()): number {
    const keyCutoff = Math.min(olderThanMs, now - DEDUP_WINDOW_MS);
    let deleted = 0;
    while (deleted < maxRows) {
      const chunk = Math.min(PRUNE_CHUNK, maxRows - deleted);
      const { changes } = this.pruneMessages.run(olderThanMs, keyCutoff, chunk);
      deleted += changes;
      if (changes === 0) break;
    }
    return deleted;
  }
}
