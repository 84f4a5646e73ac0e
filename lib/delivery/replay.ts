import type Database from "better-sqlite3";
import { pgTransaction, readerFor } from "@/lib/db/off-loop";
import { isPg, type PgSyncDatabase, translated } from "@/lib/db/pg-sync";
import { sqlite } from "@/lib/db/sqlite";
import { loadDeliveryConfig } from "@/lib/delivery/config";
import { JOB_COLUMNS } from "@/lib/delivery/store";
import { env } from "@/lib/env";
import { routeContext } from "@/lib/routing/plan";
import { routeMessage } from "@/lib/routing/route";
import { readRoutingTable } from "@/lib/routing/table";

// "Retry failed deliveries": the not-delivered messages of one destination received in a time
// window are read back from the archive and queued again (same messageId, so receivers can still
// drop repeats; a fresh retry deadline; attempts keep counting). They go through the
// destination's current integrations/filters/call-type rules again, so a filter added since
// the failure still applies. The running workers pick the jobs up within a second.

export interface RetryResult {
  /** Messages queued for another attempt. */
  queued: number;
  /** Messages the destination's current filters or call types now exclude. */
  filtered: number;
  /** Messages no longer in the archive (past ARCHIVE_RETENTION_DAYS). */
  expired: number;
}

const PAGE = 500;

export class UnknownDestinationError extends Error {}

interface FailedRow {
  seq: number;
  workspaceId: string;
  sourceId: string;
  messageId: string;
  type: string;
  event: string | null;
  receivedAt: number;
  attempts: number;
  payload: string | null;
  protocol: string | null;
}

/** One page's decisions: what the current rules now exclude, and what goes back in the queue. */
interface PagePlan {
  filtered: { seq: number; kind: string; errorType: string | null; reason: string }[];
  jobs: FailedRow[];
}

const FAILED_PAGE = `SELECT o."seq", o."workspaceId", o."sourceId", o."messageId", o."type", o."event", o."receivedAt",
    o."attempts", m."payload", m."protocol"
  FROM "DeliveryOutcome" o LEFT JOIN "Message" m ON m."seq" = o."seq"
  WHERE o."destinationId" = ? AND o."status" = 'not_delivered' AND o."receivedAt" >= ? AND o."receivedAt" < ?
    AND o."seq" > ? ORDER BY o."seq" LIMIT ?`;
const MARK = `UPDATE "DeliveryOutcome" SET "status" = ?, "finishedAt" = ?, "errorType" = ?, "errorMessage" = ?
  WHERE "destinationId" = ? AND "seq" = ?`;
const RETRY_NOTE = "Retry requested from the console";
const ENQUEUE = `INSERT INTO "DeliveryJob" (${JOB_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
  ON CONFLICT ("destinationId", "seq") DO NOTHING`;
// PostgreSQL: a page's jobs in one statement (attempts keep counting), answering the new ones.
const PG_ENQUEUE = `INSERT INTO "DeliveryJob" (${JOB_COLUMNS})
  SELECT $1, w, s, q, m, t, e, r, p, a, $2, 0, $3, $2 FROM unnest($4::text[], $5::text[], $6::int[], $7::text[],
    $8::text[], $9::text[], $10::bigint[], $11::text[], $12::int[]) AS x(w, s, q, m, t, e, r, p, a)
  ON CONFLICT ("destinationId", "seq") DO NOTHING RETURNING "seq"`;
const PG_MARK_QUEUED = `UPDATE "DeliveryOutcome" SET "status" = 'retrying', "finishedAt" = $1, "errorType" = NULL,
  "errorMessage" = $2 WHERE "destinationId" = $3 AND "seq" = ANY($4::int[])`;

/**
 * Queues the window's not-delivered messages again; resolves with what happened to them. On
 * PostgreSQL everything runs on the asynchronous pool: a large window does not stop the web
 * process (which also takes tracking calls) while it is read and queued, page by page.
 */
export async function retryNotDelivered(
  destinationId: string,
  fromMs: number,
  toMs: number,
  opts: { db?: Database.Database; now?: number; deadlineMs?: number; encryptionKey?: string } = {},
): Promise<RetryResult> {
  const db = opts.db ?? sqlite();
  const now = opts.now ?? Date.now();
  const deadlineMs = opts.deadlineMs ?? loadDeliveryConfig().deadlineMs;
  const table = await readRoutingTable(db, () => opts.encryptionKey ?? env().ENCRYPTION_KEY);
  const dest = table.destinations.get(destinationId);
  if (!dest) throw new UnknownDestinationError(`Unknown destination ${destinationId}`);
  const result: RetryResult = { queued: 0, filtered: 0, expired: 0 };
  const queue = { destinationId, now, deadlineAt: now + deadlineMs };
  let after = 0;
  for (;;) {
    const rows = await readerFor(db).all<FailedRow>(FAILED_PAGE, [destinationId, fromMs, toMs, after, PAGE]);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.seq;
    const plan: PagePlan = { filtered: [], jobs: [] };
    for (const r of rows) {
      if (r.payload === null) {
        result.expired++;
        continue;
      }
      // The same steps as the first time, Protocols verdict included (omitted fields stay omitted).
      const ctx = routeContext(r.sourceId, r.protocol, table.schemaOff.get(r.sourceId));
      const decision = routeMessage(JSON.parse(r.payload) as Record<string, unknown>, dest, ctx);
      if (decision.kind === "deliver") plan.jobs.push({ ...r, payload: decision.payload });
      else
        plan.filtered.push({
          seq: r.seq,
          kind: decision.kind,
          errorType: decision.errorType,
          reason: decision.reason,
        });
    }
    result.filtered += plan.filtered.length;
    result.queued += isPg(db)
      ? await queuePg(db as unknown as PgSyncDatabase, plan, queue)
      : queueSqlite(db, plan, queue);
  }
  return result;
}

interface Queue {
  destinationId: string;
  now: number;
  deadlineAt: number;
}

/** One page in one transaction; answers how many messages were queued (not already in the queue). */
function queueSqlite(db: Database.Database, plan: PagePlan, q: Queue): number {
  const mark = db.prepare(MARK);
  const enqueue = db.prepare(ENQUEUE);
  let queued = 0;
  db.transaction(() => {
    for (const f of plan.filtered) mark.run(f.kind, q.now, f.errorType, f.reason, q.destinationId, f.seq);
    for (const r of plan.jobs) {
      const added = enqueue.run(
        q.destinationId,
        r.workspaceId,
        r.sourceId,
        r.seq,
        r.messageId,
        r.type,
        r.event,
        r.receivedAt,
        r.payload,
        r.attempts,
        q.now,
        q.deadlineAt,
        q.now,
      ).changes;
      if (added === 0) continue;
      mark.run("retrying", q.now, null, RETRY_NOTE, q.destinationId, r.seq);
      queued++;
    }
  }).immediate();
  return queued;
}

function queuePg(pgdb: PgSyncDatabase, plan: PagePlan, q: Queue): Promise<number> {
  return pgTransaction(pgdb, async (client) => {
    for (const f of plan.filtered)
      await client.query(translated(MARK), [f.kind, q.now, f.errorType, f.reason, q.destinationId, f.seq]);
    if (plan.jobs.length === 0) return 0;
    const col = <K extends keyof FailedRow>(k: K) => plan.jobs.map((j) => j[k]);
    const added = await client.query<{ seq: number }>(PG_ENQUEUE, [
      q.destinationId,
      q.now,
      q.deadlineAt,
      col("workspaceId"),
      col("sourceId"),
      col("seq"),
      col("messageId"),
      col("type"),
      col("event"),
      col("receivedAt"),
      col("payload"),
      col("attempts"),
    ]);
    const seqs = added.rows.map((r) => Number(r.seq));
    if (seqs.length) await client.query(PG_MARK_QUEUED, [q.now, RETRY_NOTE, q.destinationId, seqs]);
    return seqs.length;
  });
}
