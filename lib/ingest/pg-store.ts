import type pg from "pg";
import { pgTransaction, releaseFailed } from "@/lib/db/pg";
import { type PackedColumn, type PgColumnType, packColumn, toPg } from "@/lib/db/pg-sql";
import { writeSchemaDrain } from "@/lib/ingest/pg-schema-drain";
import { recentQuery } from "@/lib/ingest/sqlite-store";
import {
  type AppendResult,
  type ArchivedMessage,
  type ArchivedRow,
  type ArchiveStore,
  DEDUP_WINDOW_MS,
  type RecentFilter,
} from "@/lib/ingest/store";
import { createSchemaCollector } from "@/lib/protocols/sql.cjs";
import { TAP_CHANNEL, tapNotification } from "@/lib/tap/pg";

// ArchiveStore on PostgreSQL. One group commit is one transaction of a few statements whatever
// its size (arrays bound with unnest, never one INSERT per event):
//  1. one statement (appendSql): the commit-order lock, a seq for every row drawn from Message's
//     sequence in input order, and the multi-row INSERT … ON CONFLICT ("workspaceId", "dedupKey")
//     DO NOTHING; it answers the seqs drawn and the seqs stored;
//  2. only when some keyed rows were not stored: keys whose holder is older than the 24-hour
//     window are released (the old row keeps its data) and those rows are inserted again;
//  3. the tap's NOTIFY and COMMIT.
// BEGIN is sent ahead of 1 without waiting, and the columns are packed before the transaction
// (lib/db/pg-sql.ts packColumn: a text column is one joined string, not an array literal escaped
// value by value), so the lock is held for two round trips and no JavaScript. On this 2-core
// machine that took /v1/batch from ~0.26x to ~0.5x of SQLite (docs/benchmarks.md). Groups under
// ONE_STATEMENT_ROWS do step 1 in two round trips instead ("BEGIN; lock; seqs" as one simple
// query, then the packed insert).
// A row whose seq is still not returned lost its key to an earlier row: a duplicate, in this
// batch or from any instance (the unique index makes a concurrent writer of the same key wait for the
// first transaction, then skip). The commit is durable (synchronous_commit on) before the
// promise resolves, so the HTTP answer still means "on disk".

// Commits take their seqs in seq order across all instances: this transaction-scoped advisory
// lock is taken before the seqs are drawn and released by COMMIT (after the rows are visible).
// So a reader that sees seq N also sees every committed seq below N: the router's "rows after
// my cursor" can never skip a row that commits late, and the tap's order is the seq order.
// The cost is one commit at a time across the installation; group commit makes each one carry
// many rows (docs/scaling.md: what would lift this).
//
// Protocols: each row carries its verdict (Message.protocol), and the Source Schema's aggregates
// (lib/protocols/sql.cjs: entries, properties, hourly volumes, violations, schema filter hits) of
// the rows actually stored are summed across commits and upserted inside a commit's transaction,
// one unnest statement per table, at most every schemaFlushMs (or after 5,000 messages), or by an
// idle timer in a transaction of their own; like the SQLite writer. Upserting on every commit
// cost 0.77x /v1/batch throughput (extra round trips while the commit-order lock is held). A crash
// can lose at most that window of the counts; never a message.
export const COMMIT_ORDER_LOCK = 72_000_002;

/** Groups of at least this many rows are committed with the one statement (appendSql). */
export const ONE_STATEMENT_ROWS = 500;

const SEQS = `SELECT nextval(pg_get_serial_sequence('"Message"', 'seq')) AS seq FROM generate_series(1, $1::int)`;

const RELEASE_STALE = `UPDATE "Message" m SET "dedupKey" = NULL
  FROM unnest($1::text[], $2::text[], $3::bigint[]) AS k("workspaceId", "dedupKey", "windowStart")
  WHERE m."workspaceId" = k."workspaceId" AND m."dedupKey" = k."dedupKey" AND m."receivedAt" < k."windowStart"`;

const INSERT_COLUMNS: [string, PgColumnType][] = [
  ["seq", "int"],
  ["workspaceId", "text"],
  ["sourceId", "text"],
  ["messageId", "text"],
  ["dedupKey", "text"],
  ["type", "text"],
  ["event", "text"],
  ["userId", "text"],
  ["anonymousId", "text"],
  ["status", "text"],
  ["reason", "text"],
  ["receivedAt", "bigint"],
  ["payload", "text"],
  ["protocol", "text"],
];

/** Inserts rows with the seqs already drawn (small groups, and the stale-key retry below). */
function insertRows(client: pg.PoolClient, cols: unknown[][]) {
  const packed = cols.map((col, i) => packColumn(col, INSERT_COLUMNS[i]![1], i + 1));
  return client.query<{ seq: number }>(
    `INSERT INTO "Message" (${INSERT_COLUMNS.map(([name]) => `"${name}"`).join(", ")})
  SELECT * FROM unnest(${packed.map((p) => p.sql).join(", ")})
  ON CONFLICT ("workspaceId", "dedupKey") DO NOTHING RETURNING "seq"`,
    packed.map((p) => p.value),
  );
}

/**
 * The commit's one statement under the commit-order lock: take the lock, draw a seq for every
 * row in input order (after the lock: the draws scan the lock's row), insert them, and answer
 * the seqs drawn (in input order) and the seqs stored. The columns (all but seq, packed before
 * BEGIN) are $1…$13.
 */
function appendSql(packed: PackedColumn[], ordered: boolean): string {
  const names = INSERT_COLUMNS.slice(1).map(([name]) => `"${name}"`);
  const c = names.map((_, i) => `c${i}`);
  return `WITH lk AS (SELECT ${ordered ? `pg_advisory_xact_lock(${COMMIT_ORDER_LOCK})` : "NULL"} AS held),
  r AS (SELECT nextval(pg_get_serial_sequence('"Message"', 'seq'))::int AS s, u.*
    FROM lk, unnest(${packed.map((p) => p.sql).join(", ")}) WITH ORDINALITY AS u(${c.join(", ")}, ord)),
  ins AS (INSERT INTO "Message" ("seq", ${names.join(", ")}) SELECT s, ${c.join(", ")} FROM r
    ON CONFLICT ("workspaceId", "dedupKey") DO NOTHING RETURNING "seq")
  SELECT (SELECT array_agg(s ORDER BY ord) FROM r) AS allocated, (SELECT array_agg("seq") FROM ins) AS stored`;
}

const PRUNE_CHUNK = 2000;
const PRUNE = `DELETE FROM "Message" WHERE "seq" IN
  (SELECT "seq" FROM (SELECT "seq", "receivedAt", "dedupKey" FROM "Message" ORDER BY "seq" LIMIT ${PRUNE_CHUNK}) AS oldest
   WHERE "receivedAt" < $1 AND ("dedupKey" IS NULL OR "receivedAt" < $2) LIMIT $3)`;

/** Called with the transaction still open, after the archive rows are written (routing hooks). */
export type AfterInsert = (
  client: pg.PoolClient,
  batch: ArchivedMessage[],
  seqs: (number | null)[],
) => Promise<void>;

export class PgArchiveStore implements ArchiveStore {
  private readonly schema = createSchemaCollector();

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: {
      afterInsert?: AfterInsert;
      /** Tests only: runs just before COMMIT (to hold a transaction open). */
      beforeCommit?: () => Promise<void>;
      /** Announce each commit on the tap channel (lib/tap/pg.ts). */
      notify?: boolean;
      /** Tests only: false drops the commit-order lock, to show the gap it prevents. */
      orderedCommits?: boolean;
      /** Groups from this size use the one statement (default ONE_STATEMENT_ROWS; tests set both ways). */
      oneStatementRows?: number;
      /** Source Schema aggregates are written at most this often (ms; 0: with every commit). */
      schemaFlushMs?: number;
    } = {},
  ) {}

  private lastSchemaFlush = 0;
  private schemaTimer: NodeJS.Timeout | null = null;

  private schemaDue(now: number): boolean {
    const pending = this.schema.pending();
    return pending > 0 && (now - this.lastSchemaFlush >= (this.opts.schemaFlushMs ?? 250) || pending >= 5000);
  }

  /** Writes the Source Schema counts collected so far (idle timer, shutdown). */
  async flushSchema(): Promise<void> {
    if (this.schemaTimer) clearTimeout(this.schemaTimer);
    this.schemaTimer = null;
    if (this.schema.pending() === 0) return;
    const drained = this.schema.drain(Date.now());
    this.lastSchemaFlush = Date.now();
    try {
      await pgTransaction(this.pool, (client) => writeSchemaDrain(client, drained));
    } catch (err) {
      console.error("[switchyard] Source Schema counts could not be written:", (err as Error).message);
    }
  }

  private flushSchemaLater(): void {
    if (this.schemaTimer || this.schema.pending() === 0) return;
    this.schemaTimer = setTimeout(() => {
      this.schemaTimer = null;
      void this.flushSchema();
    }, this.opts.schemaFlushMs ?? 250);
    this.schemaTimer.unref();
  }

  async append(batch: ArchivedMessage[]): Promise<AppendResult> {
    if (batch.length === 0) return { seqs: [], stored: 0, duplicates: 0 };
    // Columns built before the transaction: the commit-order lock is held for the SQL only.
    const cols: unknown[][] = Array.from({ length: 14 }, () => new Array(batch.length));
    batch.forEach((m, i) => {
      const row = [
        0, // the seq, drawn under the lock
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
        // PostgreSQL text cannot hold NUL; JSON escapes it, so only a raw payload could carry one.
        m.payload.includes("\u0000") ? m.payload.replaceAll("\u0000", "\\u0000") : m.payload,
        m.protocol ?? null,
      ];
      for (let c = 0; c < 14; c++) cols[c]![i] = row[c];
    });
    const ordered = this.opts.orderedCommits !== false;
    const oneStatement = batch.length >= (this.opts.oneStatementRows ?? ONE_STATEMENT_ROWS);
    // Everything but the seqs is packed before the transaction: the lock covers SQL only.
    const packed = oneStatement
      ? cols.slice(1).map((col, i) => packColumn(col, INSERT_COLUMNS[i + 1]![1], i + 1))
      : [];
    const client = await this.pool.connect();
    try {
      let allocated: number[];
      let stored: Set<number>;
      if (oneStatement) {
        // BEGIN goes first (before the lock); then the lock, the seqs and the rows in one round
        // trip, and COMMIT (with the tap's NOTIFY) in one more.
        const [, appended] = await Promise.all([
          client.query("BEGIN"),
          client.query<{ allocated: number[]; stored: number[] | null }>(
            appendSql(packed, ordered),
            packed.map((p) => p.value),
          ),
        ]);
        allocated = appended.rows[0]!.allocated;
        cols[0] = allocated;
        stored = new Set(appended.rows[0]!.stored ?? []);
      } else {
        // Small groups: BEGIN, the lock and the seqs in one round trip (a multi-statement simple
        // query: every value in it is a number this code wrote), then the insert. At 1,000
        // single-event requests/s (groups of a few rows) this measured better for delivery
        // running beside ingest than the one statement (docs/benchmarks.md, session 8).
        const lock = ordered ? `SELECT pg_advisory_xact_lock(${COMMIT_ORDER_LOCK});` : "";
        const opened = (await client.query(
          `BEGIN; ${lock} ${SEQS.replace("$1::int", String(Math.floor(batch.length)))}`,
        )) as unknown as { rows: { seq: number }[] }[];
        allocated = opened[opened.length - 1]!.rows.map((r) => Number(r.seq));
        cols[0] = allocated;
        stored = new Set((await insertRows(client, cols)).rows.map((r) => Number(r.seq)));
      }
      // A keyed row that was not stored lost its key to a holder. Holders older than the 24-hour
      // window give the key up and those rows are inserted again (rare: only repeats get here).
      const retry: number[] = [];
      for (let i = 0; i < batch.length; i++) {
        const m = batch[i]!;
        if (!stored.has(allocated[i]!) && m.dedup && m.messageId !== null) retry.push(i);
      }
      if (retry.length > 0) {
        const released = await client.query(RELEASE_STALE, [
          retry.map((i) => batch[i]!.workspaceId),
          retry.map((i) => batch[i]!.messageId),
          retry.map((i) => batch[i]!.receivedAt - DEDUP_WINDOW_MS),
        ]);
        if (released.rowCount) {
          const again = await insertRows(
            client,
            cols.map((col) => retry.map((i) => col[i])),
          );
          for (const r of again.rows) stored.add(Number(r.seq));
        }
      }
      const seqs = allocated.map((s) => (stored.has(s) ? s : null));
      // The Source Schema counts the stored accepted messages only (not duplicates, not rejects).
      for (let i = 0; i < batch.length; i++) {
        const m = batch[i]!;
        if (seqs[i] !== null && m.status === "accepted")
          this.schema.add(m.sourceId, m.observation ?? null, m.protocol ?? null, m.receivedAt, m.messageId);
      }
      const now = Date.now();
      if (this.schemaDue(now)) {
        await writeSchemaDrain(client, this.schema.drain(now));
        this.lastSchemaFlush = now;
      }
      if (this.opts.afterInsert) await this.opts.afterInsert(client, batch, seqs);
      if (this.opts.beforeCommit) await this.opts.beforeCommit();
      // The tap notification and COMMIT in one round trip (NOTIFY is delivered at COMMIT).
      let notify = "";
      if (this.opts.notify && stored.size > 0) {
        const sources = new Set<string>();
        for (let i = 0; i < batch.length; i++)
          if (seqs[i] !== null) sources.add(`${batch[i]!.workspaceId} ${batch[i]!.sourceId}`);
        const note = tapNotification(allocated[0]!, allocated[allocated.length - 1]!, sources);
        notify = `SELECT pg_notify('${TAP_CHANNEL}', ${client.escapeLiteral(note)}); `;
      }
      await client.query(`${notify}COMMIT`);
      client.release();
      this.flushSchemaLater();
      return { seqs, stored: stored.size, duplicates: batch.length - stored.size };
    } catch (err) {
      this.schema.reset();
      // A statement that got no answer within PG_BLOCKING_TIMEOUT_MS fails the group (its
      // requests answer 503 and are retried) and its connection is dropped.
      await releaseFailed(client, err);
      throw err;
    }
  }

  async recent(sourceId: string, filter: RecentFilter): Promise<ArchivedRow[]> {
    const { sql, params } = recentQuery(sourceId, filter);
    return (await this.pool.query<ArchivedRow>(toPg(sql), params)).rows;
  }

  async prune(olderThanMs: number, maxRows = Number.POSITIVE_INFINITY, now = Date.now()): Promise<number> {
    const keyCutoff = Math.min(olderThanMs, now - DEDUP_WINDOW_MS);
    let deleted = 0;
    while (deleted < maxRows) {
      const chunk = Math.min(PRUNE_CHUNK, maxRows - deleted);
      const { rowCount } = await this.pool.query(PRUNE, [olderThanMs, keyCutoff, chunk]);
      deleted += rowCount ?? 0;
      if (!rowCount) break;
    }
    return deleted;
  }

  /** Rows first..last in seq order (the tap's notifications name ranges; the rows are read here). */
  /** The highest seq committed so far (0 when none). */
  async lastSeq(): Promise<number> {
    const { rows } = await this.pool.query<{ seq: number }>(
      `SELECT COALESCE(MAX("seq"), 0) AS "seq" FROM "Message"`,
    );
    return Number(rows[0]!.seq);
  }

  async range(first: number, last: number): Promise<ArchivedRow[]> {
    const { rows } = await this.pool.query<ArchivedRow>(
      `SELECT "seq", "workspaceId", "sourceId", "messageId", "type", "event", "userId", "anonymousId",
        "status", "reason", "receivedAt", "payload", "protocol" FROM "Message" WHERE "seq" BETWEEN $1 AND $2 ORDER BY "seq"`,
      [first, last],
    );
    return rows;
  }
}
