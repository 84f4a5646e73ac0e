import type Database from "better-sqlite3";
import { sqlite } from "@/lib/db/sqlite";
import { loadDeliveryConfig } from "@/lib/delivery/config";
import { env } from "@/lib/env";
import { routeContext } from "@/lib/routing/plan";
import { routeMessage } from "@/lib/routing/route";
import { loadRoutingTable } from "@/lib/routing/table";

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

export function retryNotDelivered(
  destinationId: string,
  fromMs: number,
  toMs: number,
  opts: { db?: Database.Database; now?: number; deadlineMs?: number; encryptionKey?: string } = {},
): RetryResult {
  const db = opts.db ?? sqlite();
  const now = opts.now ?? Date.now();
  const deadlineMs = opts.deadlineMs ?? loadDeliveryConfig().deadlineMs;
  const table = loadRoutingTable(db, () => opts.encryptionKey ?? env().ENCRYPTION_KEY);
  const dest = table.destinations.get(destinationId);
  if (!dest) throw new UnknownDestinationError(`Unknown destination ${destinationId}`);
  const page = db.prepare(
    `SELECT o."seq", o."workspaceId", o."sourceId", o."messageId", o."type", o."event", o."receivedAt", o."attempts",
       m."payload", m."protocol"
     FROM "DeliveryOutcome" o LEFT JOIN "Message" m ON m."seq" = o."seq"
     WHERE o."destinationId" = ? AND o."status" = 'not_delivered' AND o."receivedAt" >= ? AND o."receivedAt" < ?
       AND o."seq" > ? ORDER BY o."seq" LIMIT ?`,
  );
  const enqueue = db.prepare(
    `INSERT INTO "DeliveryJob" ("destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "event",
       "receivedAt", "payload", "attempts", "nextAttemptAt", "leaseUntil", "deadlineAt", "createdAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT ("destinationId", "seq") DO NOTHING`,
  );
  const mark = db.prepare(
    `UPDATE "DeliveryOutcome" SET "status" = ?, "finishedAt" = ?, "errorType" = ?, "errorMessage" = ?
     WHERE "destinationId" = ? AND "seq" = ?`,
  );
  const result: RetryResult = { queued: 0, filtered: 0, expired: 0 };
  let after = 0;
  for (;;) {
    const rows = page.all(destinationId, fromMs, toMs, after, PAGE) as {
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
    }[];
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.seq;
    db.transaction(() => {
      for (const r of rows) {
        if (r.payload === null) {
          result.expired++;
          continue;
        }
        // The same steps as the first time, Protocols verdict included (omitted fields stay omitted).
        const ctx = routeContext(r.sourceId, r.protocol, table.schemaOff.get(r.sourceId));
        const decision = routeMessage(JSON.parse(r.payload) as Record<string, unknown>, dest, ctx);
        if (decision.kind !== "deliver") {
          mark.run(decision.kind, now, decision.errorType, decision.reason, destinationId, r.seq);
          result.filtered++;
          continue;
        }
        const added = enqueue.run(
          destinationId,
          r.workspaceId,
          r.sourceId,
          r.seq,
          r.messageId,
          r.type,
          r.event,
          r.receivedAt,
          decision.payload,
          r.attempts,
          now,
          now + deadlineMs,
          now,
        ).changes;
        if (added === 0) continue;
        mark.run("retrying", now, null, "Retry requested from the console", destinationId, r.seq);
        result.queued++;
      }
    }).immediate();
  }
  return result;
}
