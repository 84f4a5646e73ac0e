import type Database from "better-sqlite3";
import type { Maybe } from "@/lib/db/off-loop";
import { all, perform, run, transaction, type Work } from "@/lib/db/work";

// Every raw SQL statement of the privacy feature, in one place (a PostgreSQL store mirrors this
// module): the ingest's and the router's reads, the inbox's batched writes, the router's removal
// notes and the deletion purge. Plain portable SQL: ON CONFLICT, IN lists of parameters, no
// SQLite-only functions. The console's settings go through Prisma (lib/privacy/service.ts).

export interface FieldRow {
  workspaceId: string;
  path: string;
  classification: string | null;
  blockAtIngest: number | boolean;
}

export interface InboxWrite {
  workspaceId: string;
  path: string;
  matcher: string;
  suggested: string;
  sources: string;
  firstSeen: number;
  lastSeen: number;
  sample: string | null;
  sampleUserId: string | null;
  sampleAnonymousId: string | null;
}

/** The ingest's reads of one workspace's settings (lib/privacy/ingest.ts, through lib/db/off-loop.ts). */
export const INGEST_READS = {
  workspaceFields: `SELECT "workspaceId", "path", "classification", "blockAtIngest" FROM "PrivacyField" WHERE "workspaceId" = ?`,
  fieldSources: `SELECT "path", "sources" FROM "PrivacyField" WHERE "workspaceId" = ?`,
  matchers: `SELECT "id", "name", "keyPatterns", "valuePatterns", "suggested", "enabled" FROM "PrivacyMatcher" WHERE "workspaceId" = ?`,
  suppressed: `SELECT "userId" FROM "PrivacySuppression" WHERE "workspaceId" = ?`,
} as const;

/** The router's reads of every workspace's rules (lib/privacy/policy.ts privacyRules). */
export const ROUTER_READS = {
  privacyFields: `SELECT "workspaceId", "path", "classification" FROM "PrivacyField" WHERE "classification" IS NOT NULL`,
  privacyDestinations: `SELECT "destinationId", "policy", "consentCategories" FROM "PrivacyDestination"`,
  privacySources: `SELECT "sourceId", "withoutConsent" FROM "PrivacySource"`,
} as const;

/** "privacy: N fields removed" for a destination's Event Delivery (routing time in a window, bounded). */
export const REMOVAL_TOTALS = `SELECT COUNT(*) AS "events", COALESCE(SUM("removed"), 0) AS "fields" FROM (
  SELECT "removed" FROM "PrivacyRemoval" WHERE "destinationId" = ? AND "at" >= ? AND "at" < ? LIMIT 100000) AS "x"`;

/** What the privacy step removed from one message, per destination of its workspace. */
export const REMOVALS_OF_MESSAGE = `SELECT r."destinationId", r."removed", r."fields" FROM "Destination" d
  JOIN "PrivacyRemoval" r ON r."destinationId" = d."id" AND r."seq" = ?
  WHERE d."workspaceId" = ?`;

function statements(db: Database.Database) {
  return {
    upsertInbox: db.prepare(
      `INSERT INTO "PrivacyField" ("workspaceId", "path", "matcher", "suggested", "sources", "firstSeen", "lastSeen",
         "sample", "sampleUserId", "sampleAnonymousId", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT ("workspaceId", "path") DO UPDATE SET "lastSeen" = excluded."lastSeen",
         "sources" = excluded."sources", "updatedAt" = excluded."updatedAt"`,
    ),
    touchInbox: db.prepare(
      `UPDATE "PrivacyField" SET "lastSeen" = ?, "sources" = ?, "updatedAt" = ? WHERE "workspaceId" = ? AND "path" = ?`,
    ),
    insertRemoval: db.prepare(
      `INSERT INTO "PrivacyRemoval" ("destinationId", "seq", "workspaceId", "sourceId", "removed", "fields", "at")
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("destinationId", "seq") DO NOTHING`,
    ),
    removalTotals: db.prepare(REMOVAL_TOTALS),
    // Per-message reads go through the workspace's destinations, so the (destinationId, seq) keys are used.
    removalsOfMessage: db.prepare(REMOVALS_OF_MESSAGE),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof statements>>();

export function privacySql(db: Database.Database) {
  let s = cache.get(db);
  if (!s) {
    s = statements(db);
    cache.set(db, s);
  }
  return s;
}

/**
 * One transaction for a whole batch of inbox sightings. A sighting of a path already recorded
 * (matcher "") only refreshes it, so a row deleted meanwhile is not brought back half-empty.
 */
export function writeInbox(db: Database.Database, rows: readonly InboxWrite[], now: number): void {
  if (rows.length === 0) return;
  db.transaction(() => writeInboxRows(db, rows, now))();
}

/** writeInbox's statements, for a transaction the caller runs (lib/db/off-loop.ts). */
export function writeInboxRows(db: Database.Database, rows: readonly InboxWrite[], now: number): void {
  const s = privacySql(db);
  for (const r of rows) {
    if (r.matcher === "") {
      s.touchInbox.run(r.lastSeen, r.sources, now, r.workspaceId, r.path);
      continue;
    }
    s.upsertInbox.run(
      r.workspaceId,
      r.path,
      r.matcher,
      r.suggested,
      r.sources,
      r.firstSeen,
      r.lastSeen,
      r.sample,
      r.sampleUserId,
      r.sampleAnonymousId,
      now,
    );
  }
}

/**
 * Settings rows of deleted destinations and sources (a few rows). The removal notes, one per
 * message and destination, are pruned in chunks with the delivery rows (lib/delivery/retention.ts).
 */
export function prunePrivacySettings(db: Database.Database): void {
  db.prepare(
    `DELETE FROM "PrivacyDestination" WHERE "destinationId" NOT IN (SELECT "id" FROM "Destination")`,
  ).run();
  db.prepare(`DELETE FROM "PrivacySource" WHERE "sourceId" NOT IN (SELECT "id" FROM "Source")`).run();
}

// ---- Deletion: every table that holds a user's messages or parts of them ----

const SEQ_CHUNK = 500;

export interface PurgeCounts {
  archive: number;
  deliveryJobs: number;
  deliveryOutcomes: number;
  deliverySamples: number;
  privacyRemovals: number;
  functionRuns: number;
  inboxSamples: number;
}

/**
 * Removes one user's messages from the archive (which is also the debugger's backlog) and what
 * was derived from them: queued deliveries, outcome rows and samples, privacy notes, function run
 * inputs that name the id, inbox samples taken from them. Works in chunks, each its own
 * transaction, so ingest never waits long for the lock.
 */
/**
 * Deletes everything stored about one user of a workspace, in transactions of SEQ_CHUNK archived
 * messages: at once on SQLite, on the asynchronous pool on PostgreSQL (a purge walks the whole
 * archive of the workspace and must not stop the instance's tracking calls while it does).
 */
export function purgeUser(
  db: Database.Database,
  workspaceId: string,
  idType: "userId" | "anonymousId",
  idValue: string,
): Maybe<PurgeCounts> {
  return perform(db, purgeWork(workspaceId, idType, idValue));
}

function* purgeWork(
  workspaceId: string,
  idType: "userId" | "anonymousId",
  idValue: string,
): Work<PurgeCounts> {
  const counts: PurgeCounts = {
    archive: 0,
    deliveryJobs: 0,
    deliveryOutcomes: 0,
    deliverySamples: 0,
    privacyRemovals: 0,
    functionRuns: 0,
    inboxSamples: 0,
  };
  const column = idType === "userId" ? `"userId"` : `"anonymousId"`;
  for (;;) {
    const seqs = (yield* all<{ seq: number }>(
      `SELECT "seq" FROM "Message" WHERE "workspaceId" = ? AND ${column} = ? LIMIT ?`,
      [workspaceId, idValue, SEQ_CHUNK],
    )).map((r) => r.seq);
    if (seqs.length === 0) break;
    const list = seqs.map(() => "?").join(", ");
    const del = (table: string) =>
      run(`DELETE FROM "${table}" WHERE "workspaceId" = ? AND "seq" IN (${list})`, [workspaceId, ...seqs]);
    yield* transaction(
      (function* () {
        counts.deliveryJobs += yield* del("DeliveryJob");
        counts.deliveryOutcomes += yield* del("DeliveryOutcome");
        counts.deliverySamples += yield* del("DeliverySample");
        counts.privacyRemovals += yield* del("PrivacyRemoval");
        counts.archive += yield* del("Message");
      })(),
    );
    if (seqs.length < SEQ_CHUNK) break;
  }
  // Function runs keep their input as JSON text (the id appears JSON-quoted) and their console
  // output as free text (the raw id, looked for only when it is long enough to be specific).
  const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const quoted = like(JSON.stringify(idValue));
  const raw = idValue.length >= 6 ? like(idValue) : quoted;
  counts.functionRuns = yield* run(
    `DELETE FROM "FunctionRun" WHERE "workspaceId" = ?
       AND ("input" LIKE ? ESCAPE '\\' OR "logs" LIKE ? ESCAPE '\\' OR "message" LIKE ? ESCAPE '\\')`,
    [workspaceId, quoted, raw, raw],
  );
  const sampleColumn = idType === "userId" ? `"sampleUserId"` : `"sampleAnonymousId"`;
  counts.inboxSamples = yield* run(
    `UPDATE "PrivacyField" SET "sample" = NULL, "sampleUserId" = NULL, "sampleAnonymousId" = NULL
     WHERE "workspaceId" = ? AND ${sampleColumn} = ?`,
    [workspaceId, idValue],
  );
  return counts;
}
