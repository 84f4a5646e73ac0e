import type Database from "better-sqlite3";
import type { DeliveryConfig } from "@/lib/delivery/config";
import { RollupBatch } from "@/lib/delivery/rollups";
import { type JobRow, outcomeParams, sql } from "@/lib/delivery/store";
import { prunePrivacy } from "@/lib/privacy/sql";

// Hourly housekeeping, in small chunks so ingest and delivery never wait long for the lock:
// raw outcomes and samples follow the archive's retention (ARCHIVE_RETENTION_DAYS), rollups and
// health history are kept 90 days (DELIVERY_ROLLUP_RETENTION_DAYS), rows of deleted destinations
// go, and jobs of disabled destinations whose deadline passed become "not delivered".

const CHUNK = 2000;

function drain(db: Database.Database, statement: string, ...params: unknown[]): number {
  const run = db.prepare(statement);
  let total = 0;
  for (;;) {
    const { changes } = run.run(...params, CHUNK);
    total += changes;
    if (changes < CHUNK) return total;
  }
}

type ParkedJob = JobRow & {
  lastStatus: number | null;
  lastErrorType: string | null;
  lastError: string | null;
};

const disabledReason = (j: ParkedJob) => ({
  errorType: "destination_disabled",
  message: `The destination was disabled until the retry deadline passed${j.lastError ? ` (last error: ${j.lastError})` : ""}`,
});

/**
 * Jobs that wait (not leased) past their retry deadline become "not delivered" with the reason
 * given: a disabled destination (here), a paused one or one whose circuit breaker stayed open
 * (lib/delivery/worker.ts). Returns how many; call again while it returns CHUNK.
 */
export function expireParkedJobs(
  db: Database.Database,
  destinationId: string,
  now: number,
  reason: (job: ParkedJob) => { errorType: string; message: string } = disabledReason,
): number {
  const s = sql(db);
  const rows = db
    .prepare(
      `SELECT "id", "destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "event", "receivedAt",
         "attempts", "deadlineAt", "replayId", "lastStatus", "lastErrorType", "lastError"
       FROM "DeliveryJob" WHERE "destinationId" = ? AND "nextAttemptAt" <= ? AND "deadlineAt" < ? LIMIT ?`,
    )
    .all(destinationId, now, now, CHUNK) as ParkedJob[];
  if (rows.length === 0) return 0;
  const rollups = new RollupBatch();
  db.transaction(() => {
    for (const j of rows) {
      const why = reason(j);
      s.deleteJob.run(j.id);
      s.upsertOutcome.run(
        ...outcomeParams({
          ...j,
          status: "not_delivered",
          finishedAt: now,
          latencyMs: null,
          httpStatus: j.lastStatus,
          errorType: why.errorType,
          errorMessage: why.message,
        }),
      );
      rollups.add(j, now, "notDelivered");
    }
    rollups.write(db);
  }).immediate();
  return rows.length;
}

export function pruneDelivery(
  db: Database.Database,
  cfg: Pick<DeliveryConfig, "outcomeRetentionMs" | "rollupRetentionMs">,
  now: number,
  activeDestinations: ReadonlySet<string>,
) {
  const rawCutoff = now - cfg.outcomeRetentionMs;
  const rollupCutoff = now - cfg.rollupRetentionMs;
  const result = {
    outcomes: drain(
      db,
      `DELETE FROM "DeliveryOutcome" WHERE ("destinationId", "seq") IN
         (SELECT "destinationId", "seq" FROM "DeliveryOutcome" WHERE "receivedAt" < ? LIMIT ?)`,
      rawCutoff,
    ),
    samples: drain(
      db,
      `DELETE FROM "DeliverySample" WHERE "id" IN (SELECT "id" FROM "DeliverySample" WHERE "at" < ? LIMIT ?)`,
      rawCutoff,
    ),
    rollups: drain(
      db,
      `DELETE FROM "DeliveryRollup" WHERE ("destinationId", "sourceId", "minute") IN
         (SELECT "destinationId", "sourceId", "minute" FROM "DeliveryRollup" WHERE "minute" < ? LIMIT ?)`,
      rollupCutoff,
    ),
    healthEvents: drain(
      db,
      `DELETE FROM "DestinationHealthEvent" WHERE "id" IN (SELECT "id" FROM "DestinationHealthEvent" WHERE "at" < ? LIMIT ?)`,
      rollupCutoff,
    ),
    orphans: 0,
    expired: 0,
  };
  const orphan = `NOT IN (SELECT "id" FROM "Destination")`;
  result.orphans += drain(
    db,
    `DELETE FROM "DeliveryJob" WHERE "id" IN (SELECT "id" FROM "DeliveryJob" WHERE "destinationId" ${orphan} LIMIT ?)`,
  );
  result.orphans += drain(
    db,
    `DELETE FROM "DeliveryOutcome" WHERE ("destinationId", "seq") IN
       (SELECT "destinationId", "seq" FROM "DeliveryOutcome" WHERE "destinationId" ${orphan} LIMIT ?)`,
  );
  result.orphans += drain(
    db,
    `DELETE FROM "DeliveryRollup" WHERE ("destinationId", "sourceId", "minute") IN
       (SELECT "destinationId", "sourceId", "minute" FROM "DeliveryRollup" WHERE "destinationId" ${orphan} LIMIT ?)`,
  );
  result.orphans += drain(
    db,
    `DELETE FROM "DeliverySample" WHERE "id" IN (SELECT "id" FROM "DeliverySample" WHERE "destinationId" ${orphan} LIMIT ?)`,
  );
  // Privacy removal notes follow the outcomes; settings of deleted destinations and sources go.
  prunePrivacy(db, rawCutoff);
  const ids = (db.prepare(`SELECT "id" FROM "Destination"`).all() as { id: string }[]).map((r) => r.id);
  for (const id of ids) {
    if (activeDestinations.has(id)) continue;
    for (let n = expireParkedJobs(db, id, now); n > 0; n = expireParkedJobs(db, id, now)) result.expired += n;
  }
  return result;
}
