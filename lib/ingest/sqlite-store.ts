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

// Deduplication rides on the archive itself: "dedupKey" (the messageId of an accepted message
// the client named) is unique per workspace, so a taken key makes the insert change nothing.
// The row holding it then decides: younger than the window, a duplicate; older, it gives the
// key up (releaseKey) and the message is stored as new. No separate table, no pruning job.
export const INSERT_MESSAGE = `INSERT INTO "Message" ("workspaceId", "sourceId", "messageId", "dedupKey", "type",
  "event", "userId", "anonymousId", "status", "reason", "receivedAt", "payload")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
export const FIND_KEY = `SELECT "receivedAt" FROM "Message" WHERE "workspaceId" = ? AND "dedupKey" = ?`;
export const RELEASE_KEY = `UPDATE "Message" SET "dedupKey" = NULL WHERE "workspaceId" = ? AND "dedupKey" = ?`;

// Oldest first by seq (receivedAt follows seq, up to the few ms a group commit spans): looks at
// one chunk of the oldest rows only, so a prune with nothing to do is one short index walk.
const PRUNE_MESSAGES = `DELETE FROM "Message" WHERE "seq" IN
  (SELECT "seq" FROM (SELECT "seq", "receivedAt" FROM "Message" ORDER BY "seq" LIMIT ?) WHERE "receivedAt" < ?)`;

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
  private readonly findKey: Database.Statement;
  private readonly releaseKey: Database.Statement;
  private readonly pruneMessages: Database.Statement;
  private readonly queries = new Map<string, Database.Statement>();
  private readonly write: (batch: ArchivedMessage[]) => AppendResult;

  constructor(private readonly db: Database.Database) {
    this.insertMessage = db.prepare(INSERT_MESSAGE);
    this.findKey = db.prepare(FIND_KEY);
    this.releaseKey = db.prepare(RELEASE_KEY);
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
      const key = m.dedup ? m.messageId : null;
      let info = this.insert(m, key);
      if (info.changes === 0) {
        const holder = this.findKey.get(m.workspaceId, key) as { receivedAt: number } | undefined;
        if (holder && holder.receivedAt >= m.receivedAt - DEDUP_WINDOW_MS) {
          seqs[i] = null;
          duplicates++;
          continue;
        }
        this.releaseKey.run(m.workspaceId, key);
        info = this.insert(m, key);
      }
      seqs[i] = Number(info.lastInsertRowid);
    }
    return { seqs, stored: batch.length - duplicates, duplicates };
  }

  private insert(m: ArchivedMessage, dedupKey: string | null): Database.RunResult {
    return this.insertMessage.run(
      m.workspaceId,
      m.sourceId,
      m.messageId,
      dedupKey,
      m.type,
      m.event,
      m.userId,
      m.anonymousId,
      m.status,
      m.reason,
      m.receivedAt,
      m.payload,
    );
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
  prune(olderThanMs: number, maxRows = Number.POSITIVE_INFINITY): number {
    let deleted = 0;
    while (deleted < maxRows) {
      const chunk = Math.min(PRUNE_CHUNK, maxRows - deleted);
      const { changes } = this.pruneMessages.run(chunk, olderThanMs);
      deleted += changes;
      if (changes < chunk) break;
    }
    return deleted;
  }
}
