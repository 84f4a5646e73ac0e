import type Database from "better-sqlite3";
import { isPg } from "@/lib/db/pg-sync";
import { Histogram } from "@/lib/metrics/histogram";

// Per-minute delivery counts and latency histograms, accumulated in memory for one transaction
// and merged into DeliveryRollup inside it, so outcomes and the numbers the dashboards show can
// never disagree. Histograms are merged in code (read, add, write back) inside the same
// transaction; on SQLite the write lock makes that safe against another runner. On PostgreSQL
// several workers write the same minute at once, and the upsert merges the histograms itself
// (PG_MERGE_HIST below: the same bucket sums as Histogram.merge, in bucket order): a second
// writer waits for the first one's row lock and merges into its committed histogram. No read
// comes back to the process, so the recorder's writes go out pipelined, without a blocking
// round trip each (lib/delivery/tx.ts). Rows are taken in key order, so two writers never
// deadlock.

export type RollupField = "delivered" | "notDelivered" | "filtered" | "unsupported" | "retried";

export const MINUTE = 60_000;
export const minuteOf = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;

interface Pending {
  destinationId: string;
  sourceId: string;
  workspaceId: string;
  minute: number;
  counts: Record<RollupField, number>;
  latencySum: number;
  hist: Histogram;
}

const statementsFor = new WeakMap<
  Database.Database,
  { read: Database.Statement | null; upsert: Database.Statement }
>();

/** The stored and the new encoded histogram ("bucket:count,…"), summed per bucket, in bucket order. */
const PG_MERGE_HIST = `(SELECT string_agg(b::text || ':' || c::text, ',' ORDER BY b) FROM (
    SELECT split_part(part, ':', 1)::int AS b, SUM(split_part(part, ':', 2)::bigint) AS c
    FROM unnest(string_to_array("DeliveryRollup"."latencyHist" || ',' || excluded."latencyHist", ',')) AS part
    WHERE part ~ '^[0-9]{1,10}:[0-9]{1,15}$' GROUP BY 1) AS merged)`;

function statements(db: Database.Database) {
  let s = statementsFor.get(db);
  if (!s) {
    const pg = isPg(db);
    s = {
      read: pg
        ? null
        : db.prepare(
            `SELECT "latencyHist" FROM "DeliveryRollup" WHERE "destinationId" = ? AND "sourceId" = ? AND "minute" = ?`,
          ),
      upsert: db.prepare(
        `INSERT INTO "DeliveryRollup" ("destinationId", "sourceId", "minute", "workspaceId", "delivered", "notDelivered",
           "filtered", "unsupported", "retried", "latencySum", "latencyHist") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT ("destinationId", "sourceId", "minute") DO UPDATE SET
           "delivered" = "DeliveryRollup"."delivered" + excluded."delivered",
           "notDelivered" = "DeliveryRollup"."notDelivered" + excluded."notDelivered",
           "filtered" = "DeliveryRollup"."filtered" + excluded."filtered",
           "unsupported" = "DeliveryRollup"."unsupported" + excluded."unsupported",
           "retried" = "DeliveryRollup"."retried" + excluded."retried",
           "latencySum" = "DeliveryRollup"."latencySum" + excluded."latencySum",
           "latencyHist" = CASE WHEN excluded."latencyHist" = '' THEN "DeliveryRollup"."latencyHist"
             ${pg ? `WHEN COALESCE("DeliveryRollup"."latencyHist", '') = '' THEN excluded."latencyHist" ELSE ${PG_MERGE_HIST}` : `ELSE excluded."latencyHist"`} END`,
      ),
    };
    statementsFor.set(db, s);
  }
  return s;
}

export class RollupBatch {
  private readonly pending = new Map<string, Pending>();

  add(
    key: { destinationId: string; sourceId: string; workspaceId: string },
    at: number,
    field: RollupField,
    latencyMs?: number,
  ): void {
    const minute = minuteOf(at);
    const id = `${key.destinationId}\u0000${key.sourceId}\u0000${minute}`;
    let p = this.pending.get(id);
    if (!p) {
      p = {
        ...key,
        minute,
        counts: { delivered: 0, notDelivered: 0, filtered: 0, unsupported: 0, retried: 0 },
        latencySum: 0,
        hist: new Histogram(),
      };
      this.pending.set(id, p);
    }
    p.counts[field]++;
    if (latencyMs !== undefined) {
      p.latencySum += latencyMs;
      p.hist.add(latencyMs);
    }
  }

  get size(): number {
    return this.pending.size;
  }

  /** Call inside the transaction that writes the outcomes being counted. */
  write(db: Database.Database): void {
    const s = statements(db);
    const ordered = [...this.pending.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, p] of ordered) {
      let hist = "";
      if (p.hist.total > 0) {
        // SQLite: merged here (the write lock is held); PostgreSQL: merged by the upsert.
        const stored = s.read?.get(p.destinationId, p.sourceId, p.minute) as
          | { latencyHist: string }
          | undefined;
        hist = (s.read ? Histogram.decode(stored?.latencyHist).merge(p.hist) : p.hist).encode();
      }
      const c = p.counts;
      s.upsert.run(
        p.destinationId,
        p.sourceId,
        p.minute,
        p.workspaceId,
        c.delivered,
        c.notDelivered,
        c.filtered,
        c.unsupported,
        c.retried,
        Math.round(p.latencySum),
        hist,
      );
    }
    this.pending.clear();
  }
}

/**
 * Failed attempts that will be retried, per minute, error type and HTTP status (0: no answer):
 * what the Error details table shows while nothing is final yet. `messages` counts a message once,
 * at its first failed attempt. Merged into DeliveryRetryRollup inside the recorder's transaction.
 */
export class RetryRollupBatch {
  private readonly pending = new Map<
    string,
    {
      destinationId: string;
      workspaceId: string;
      minute: number;
      errorType: string;
      httpStatus: number;
      attempts: number;
      messages: number;
      lastAt: number;
    }
  >();

  add(
    key: { destinationId: string; workspaceId: string },
    at: number,
    errorType: string,
    httpStatus: number | null,
    firstFailure: boolean,
  ): void {
    const minute = minuteOf(at);
    const status = httpStatus ?? 0;
    const id = `${key.destinationId}\u0000${minute}\u0000${errorType}\u0000${status}`;
    let p = this.pending.get(id);
    if (!p) {
      p = {
        destinationId: key.destinationId,
        workspaceId: key.workspaceId,
        minute,
        errorType,
        httpStatus: status,
        attempts: 0,
        messages: 0,
        lastAt: at,
      };
      this.pending.set(id, p);
    }
    p.attempts++;
    if (firstFailure) p.messages++;
    p.lastAt = Math.max(p.lastAt, at);
  }

  write(db: Database.Database): void {
    if (this.pending.size === 0) return;
    const upsert = retryStatement(db);
    for (const p of this.pending.values())
      upsert.run(
        p.destinationId,
        p.minute,
        p.errorType,
        p.httpStatus,
        p.workspaceId,
        p.attempts,
        p.messages,
        p.lastAt,
      );
    this.pending.clear();
  }
}

const retryStatements = new WeakMap<Database.Database, Database.Statement>();

function retryStatement(db: Database.Database): Database.Statement {
  let s = retryStatements.get(db);
  if (!s) {
    s = db.prepare(
      `INSERT INTO "DeliveryRetryRollup" ("destinationId", "minute", "errorType", "httpStatus", "workspaceId", "attempts",
         "messages", "lastAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT ("destinationId", "minute", "errorType", "httpStatus") DO UPDATE SET
         "attempts" = "DeliveryRetryRollup"."attempts" + excluded."attempts",
         "messages" = "DeliveryRetryRollup"."messages" + excluded."messages",
         "lastAt" = MAX("DeliveryRetryRollup"."lastAt", excluded."lastAt")`,
    );
    retryStatements.set(db, s);
  }
  return s;
}
