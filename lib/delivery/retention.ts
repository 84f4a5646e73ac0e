import type Database from "better-sqlite3";
import { type Maybe, pgTransaction, readerFor, writeOffLoop } from "@/lib/db/off-loop";
import { isPg, type PgSyncDatabase, translated } from "@/lib/db/pg-sync";
import type { DeliveryConfig } from "@/lib/delivery/config";
import { RollupBatch } from "@/lib/delivery/rollups";
import { type JobRow, outcomeParams, sql } from "@/lib/delivery/store";
import { prunePrivacySettings } from "@/lib/privacy/sql";

// Hourly housekeeping, in small chunks so ingest and delivery never wait long for the lock or the
// event loop:
// raw outcomes and samples follow the archive's retention (ARCHIVE_RETENTION_DAYS), rollups and
// health history are kept 90 days (DELIVERY_ROLLUP_RETENTION_DAYS), rows of deleted destinations
// go, and jobs of disabled destinations whose deadline passed become "not delivered".

const CHUNK = 2000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One chunk's DELETE: at once on SQLite, on the asynchronous pool on PostgreSQL. */
function deleteChunk(db: Database.Database, statement: string, params: unknown[]): Maybe<number> {
  if (!isPg(db)) return db.prepare(statement).run(...params).changes;
  return (db as unknown as PgSyncDatabase)
    .asyncPool()
    .query(translated(statement), params)
    .then((r) => r.rowCount ?? 0);
}

/**
 * Deletes in chunks of CHUNK rows, each its own statement, with a turn of the event loop between
 * them: a large prune (an hour of outcomes at a high rate is millions of rows) never holds the
 * event loop, and the requests and deliveries it serves, for more than one chunk.
 */
async function drain(
  db: Database.Database,
  stopped: () => boolean,
  statement: string,
  ...params: unknown[]
): Promise<number> {
  let total = 0;
  while (!stopped()) {
    const changes = await deleteChunk(db, statement, [...params, CHUNK]);
    total += changes;
    if (changes < CHUNK) break;
    await nextTurn();
  }
  return total;
}

export type ParkedJob = JobRow & {
  lastStatus: number | null;
  lastErrorType: string | null;
  lastError: string | null;
};

const disabledReason = (j: ParkedJob) => ({
  errorType: "destination_disabled",
  message: `The destination was disabled until the retry deadline passed${j.lastError ? ` (last error: ${j.lastError})` : ""}`,
});

const PARKED = `SELECT "id", "destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "event", "receivedAt",
    "attempts", "deadlineAt", "replayId", "lastStatus", "lastErrorType", "lastError"
  FROM "DeliveryJob" WHERE "destinationId" = ? AND "nextAttemptAt" <= ? AND "deadlineAt" < ? LIMIT ?`;

export type Reason = (job: ParkedJob) => { errorType: string; message: string };

/**
 * Jobs that wait (not leased) past their retry deadline become "not delivered" with the reason
 * given: a disabled destination (here), a paused one or one whose circuit breaker stayed open
 * (lib/delivery/worker.ts). Returns how many; call again while it returns CHUNK. On PostgreSQL it
 * runs on the asynchronous pool (a promise), in one transaction that locks the rows it expires
 * (SKIP LOCKED: a job another process is claiming right now is left to it).
 */
export function expireParkedJobs(
  db: Database.Database,
  destinationId: string,
  now: number,
  reason: Reason = disabledReason,
): Maybe<number> {
  return giveUpPage(db, PARKED, [destinationId, now, now, CHUNK], now, reason);
}

/**
 * One page of waiting jobs (`select` reads them, at most a chunk) given up on in one transaction;
 * answers how many. On PostgreSQL on the asynchronous pool, the page locked with SKIP LOCKED (a
 * job another process is claiming right now is left to it).
 */
export function giveUpPage(
  db: Database.Database,
  select: string,
  params: unknown[],
  now: number,
  reason: Reason,
): Maybe<number> {
  if (isPg(db)) {
    const pgdb = db as unknown as PgSyncDatabase;
    return pgTransaction(pgdb, async (client) => {
      const rows = (await client.query(translated(`${select} FOR UPDATE SKIP LOCKED`), params))
        .rows as ParkedJob[];
      for (const st of pgdb.captureWrites(() => giveUp(db, rows, now, reason)))
        await client.query(st.sql, st.params);
      return rows.length;
    });
  }
  const rows = db.prepare(select).all(...params) as ParkedJob[];
  if (rows.length) db.transaction(() => giveUp(db, rows, now, reason)).immediate();
  return rows.length;
}

/**
 * Waiting jobs given up on: each job deleted, its outcome "not delivered" with `reason`, and the
 * count in the rollups. The caller runs it in a transaction (expiry here, discards in control.ts).
 */
export function giveUp(db: Database.Database, rows: ParkedJob[], now: number, reason: Reason): void {
  if (rows.length === 0) return;
  const s = sql(db);
  const rollups = new RollupBatch();
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
}

export async function pruneDelivery(
  db: Database.Database,
  cfg: Pick<DeliveryConfig, "outcomeRetentionMs" | "rollupRetentionMs">,
  now: number,
  activeDestinations: ReadonlySet<string>,
  /** Checked between chunks: true stops the prune there (shutdown). */
  stopped: () => boolean = () => false,
) {
  const rawCutoff = now - cfg.outcomeRetentionMs;
  const rollupCutoff = now - cfg.rollupRetentionMs;
  const result = {
    outcomes: 0,
    samples: 0,
    rollups: 0,
    healthEvents: 0,
    privacyRemovals: 0,
    orphans: 0,
    expired: 0,
  };
  result.outcomes = await drain(
    db,
    stopped,
    `DELETE FROM "DeliveryOutcome" WHERE ("destinationId", "seq") IN
       (SELECT "destinationId", "seq" FROM "DeliveryOutcome" WHERE "receivedAt" < ? LIMIT ?)`,
    rawCutoff,
  );
  result.samples = await drain(
    db,
    stopped,
    `DELETE FROM "DeliverySample" WHERE "id" IN (SELECT "id" FROM "DeliverySample" WHERE "at" < ? LIMIT ?)`,
    rawCutoff,
  );
  result.rollups = await drain(
    db,
    stopped,
    `DELETE FROM "DeliveryRollup" WHERE ("destinationId", "sourceId", "minute") IN
       (SELECT "destinationId", "sourceId", "minute" FROM "DeliveryRollup" WHERE "minute" < ? LIMIT ?)`,
    rollupCutoff,
  );
  result.healthEvents = await drain(
    db,
    stopped,
    `DELETE FROM "DestinationHealthEvent" WHERE "id" IN (SELECT "id" FROM "DestinationHealthEvent" WHERE "at" < ? LIMIT ?)`,
    rollupCutoff,
  );
  const orphan = `NOT IN (SELECT "id" FROM "Destination")`;
  result.orphans += await drain(
    db,
    stopped,
    `DELETE FROM "DeliveryJob" WHERE "id" IN (SELECT "id" FROM "DeliveryJob" WHERE "destinationId" ${orphan} LIMIT ?)`,
  );
  result.orphans += await drain(
    db,
    stopped,
    `DELETE FROM "DeliveryOutcome" WHERE ("destinationId", "seq") IN
       (SELECT "destinationId", "seq" FROM "DeliveryOutcome" WHERE "destinationId" ${orphan} LIMIT ?)`,
  );
  result.orphans += await drain(
    db,
    stopped,
    `DELETE FROM "DeliveryRollup" WHERE ("destinationId", "sourceId", "minute") IN
       (SELECT "destinationId", "sourceId", "minute" FROM "DeliveryRollup" WHERE "destinationId" ${orphan} LIMIT ?)`,
  );
  result.orphans += await drain(
    db,
    stopped,
    `DELETE FROM "DeliverySample" WHERE "id" IN (SELECT "id" FROM "DeliverySample" WHERE "destinationId" ${orphan} LIMIT ?)`,
  );
  // Privacy removal notes (one per message and destination) follow the outcomes.
  result.privacyRemovals = await drain(
    db,
    stopped,
    `DELETE FROM "PrivacyRemoval" WHERE ("destinationId", "seq") IN
       (SELECT "destinationId", "seq" FROM "PrivacyRemoval" WHERE "at" < ? LIMIT ?)`,
    rawCutoff,
  );
  result.orphans += await drain(
    db,
    stopped,
    `DELETE FROM "PrivacyRemoval" WHERE ("destinationId", "seq") IN
       (SELECT "destinationId", "seq" FROM "PrivacyRemoval" WHERE "destinationId" ${orphan} LIMIT ?)`,
  );
  if (stopped()) return result;
  // Privacy settings of deleted destinations and sources.
  await writeOffLoop(db, () => prunePrivacySettings(db));
  const ids = (await readerFor(db).all<{ id: string }>(`SELECT "id" FROM "Destination"`, [])).map(
    (r) => r.id,
  );
  for (const id of ids) {
    if (activeDestinations.has(id)) continue;
    for (
      let n = await expireParkedJobs(db, id, now);
      n > 0 && !stopped();
      n = await expireParkedJobs(db, id, now)
    ) {
      result.expired += n;
      await nextTurn();
    }
  }
  return result;
}
