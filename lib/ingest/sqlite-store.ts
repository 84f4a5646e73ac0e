import type Database from "better-sqlite3";
import {
  type AppendResult,
  type ArchivedMessage,
  type ArchivedRow,
  type ArchiveStore,
  DEDUP_WINDOW_MS,
  type RecentFilter,
} from "@/lib/ingest/store";

// ArchiveStore on better-sqlite3. SQL kept portable (ON CONFLICT, row-value IN, LIMIT in
// subqueries) so the PostgreSQL store can reuse it nearly verbatim.

export const INSERT_MESSAGE = `INSERT INTO "Message" ("workspaceId", "sourceId", "messageId", "type", "event",
  "userId", "anonymousId", "status", "reason", "receivedAt", "payload") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

// A key older than the window is treated as new (refreshed) even if the pruner has not removed
// it yet; a fresh key changes nothing, which is how a duplicate is recognised (changes = 0).
export const CLAIM_MESSAGE_ID = `INSERT INTO "DedupKey" ("workspaceId", "messageId", "receivedAt") VALUES (?, ?, ?)
  ON CONFLICT ("workspaceId", "messageId") DO UPDATE SET "receivedAt" = excluded."receivedAt"
  WHERE "DedupKey"."receivedAt" < ?`;

const PRUNE_MESSAGES = `DELETE FROM "Message" WHERE "seq" IN
  (SELECT "seq" FROM "Message" WHERE "receivedAt" < ? ORDER BY "seq" LIMIT ?)`;

const PRUNE_DEDUP = `DELETE FROM "DedupKey" WHERE ("workspaceId", "messageId") IN
  (SELECT "workspaceId", "messageId" FROM "DedupKey" WHERE "receivedAt" < ? LIMIT ?)`;

const COLUMNS = `"seq", "workspaceId", "sourceId", "messageId", "type", "event", "userId", "anonymousId",
  "status", "reason", "receivedAt", "payload"`;

const PRUNE_CHUNK = 2000;
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

export class SqliteArchiveStore implements ArchiveStore {
  private readonly insertMessage: Database.Statement;
  private readonly claimMessageId: Database.Statement;
  private readonly pruneMessages: Database.Statement;
  private readonly pruneDedup: Database.Statement;
  private readonly queries = new Map<string, Database.Statement>();
  private readonly write: (batch: ArchivedMessage[]) => AppendResult;

  constructor(private readonly db: Database.Database) {
    this.insertMessage = db.prepare(INSERT_MESSAGE);
    this.claimMessageId = db.prepare(CLAIM_MESSAGE_ID);
    this.pruneMessages = db.prepare(PRUNE_MESSAGES);
    this.pruneDedup = db.prepare(PRUNE_DEDUP);
    // IMMEDIATE takes the write lock up front: a deferred transaction that upgrades later can
    // fail with SQLITE_BUSY against Prisma's connection instead of waiting for it.
    this.write = db.transaction((batch: ArchivedMessage[]) => this.writeBatch(batch)).immediate;
  }

  append(batch: ArchivedMessage[]): Promise<AppendResult> {
    if (batch.length === 0) return Promise.resolve({ seqs: [], stored: 0, duplicates: 0 });
    try {
      return Promise.resolve(this.write(batch));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Synchronous form of append for callers already on the writer thread. */
  appendSync(batch: ArchivedMessage[]): AppendResult {
    return batch.length === 0 ? { seqs: [], stored: 0, duplicates: 0 } : this.write(batch);
  }

  private writeBatch(batch: ArchivedMessage[]): AppendResult {
    const seqs: (number | null)[] = new Array(batch.length);
    let duplicates = 0;
    for (let i = 0; i < batch.length; i++) {
      const m = batch[i]!;
      if (m.dedup && m.messageId !== null) {
        const claimed = this.claimMessageId.run(
          m.workspaceId,
          m.messageId,
          m.receivedAt,
          m.receivedAt - DEDUP_WINDOW_MS,
        );
        if (claimed.changes === 0) {
          seqs[i] = null;
          duplicates++;
          continue;
        }
      }
      const info = this.insertMessage.run(
        m.workspaceId,
        m.sourceId,
        m.messageId,
        m.type,
        m.event,
        m.userId,
        m.anonymousId,
        m.status,
        m.reason,
        m.receivedAt,
        m.payload,
      );
      seqs[i] = Number(info.lastInsertRowid);
    }
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

  prune(olderThanMs: number, maxRows = Number.POSITIVE_INFINITY): number {
    return this.deleteInChunks(this.pruneMessages, olderThanMs, maxRows);
  }

  pruneDedupKeys(olderThanMs: number, maxRows = Number.POSITIVE_INFINITY): number {
    return this.deleteInChunks(this.pruneDedup, olderThanMs, maxRows);
  }

  // Small chunks, each its own transaction, so ingest never waits long for the write lock.
  private deleteInChunks(statement: Database.Statement, cutoff: number, maxRows: number): number {
    let deleted = 0;
    while (deleted < maxRows) {
      const chunk = Math.min(PRUNE_CHUNK, maxRows - deleted);
      const { changes } = statement.run(cutoff, chunk);
      deleted += changes;
      if (changes < chunk) break;
    }
    return deleted;
  }
}
