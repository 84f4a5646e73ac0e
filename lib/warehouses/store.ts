import type Database from "better-sqlite3";
import { getDestinationType, joinSettings, validateSettings } from "@/lib/catalog";
import { open } from "@/lib/crypto/secrets";
import { allOf, andThen, type Maybe, readerFor, writeOffLoop } from "@/lib/db/off-loop";
import { all, get, performBlocking, pluck, run, transaction, type Work } from "@/lib/db/work";
import { defaultSchemaName } from "./naming";

// Every read and write of Switchyard's own database for warehouses, in one module of portable SQL
// (double-quoted identifiers, no SQLite-only syntax) so it moves to PostgreSQL as it is. Tables:
// WarehouseState (cursor, lease, schedule, missed), WarehouseSchema (source -> schema),
// WarehouseSyncRun (history), WarehouseSelection (Selective Sync), plus reads of the archive.

type Db = Database.Database;
type Settings = Record<string, unknown>;

export interface WarehouseRow {
  id: string;
  workspaceId: string;
  type: string;
  name: string;
  enabled: boolean;
  settings: Settings;
  settingsError: string | null;
  sources: { id: string; slug: string; name: string }[];
}

export interface StateRow {
  destinationId: string;
  lastSeq: number;
  leaseUntil: number;
  nextSyncAt: number;
  failures: number;
  missed: number;
  columns: string;
}

export interface RunRow {
  id: number;
  destinationId: string;
  workspaceId: string;
  trigger: string;
  status: string;
  queuedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  fromSeq: number | null;
  toSeq: number | null;
  messages: number;
  rows: string;
  pending: number | null;
  error: string | null;
  requestedBy: string | null;
}

const parse = (text: string | null): Settings => {
  const v = text ? (JSON.parse(text) as unknown) : {};
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Settings) : {};
};

/** Warehouse destinations (every type with `warehouse` in the catalog), settings decrypted. */
export function listWarehouses(db: Db, encryptionKey: string, onlyId?: string): WarehouseRow[] {
  const rows = db
    .prepare(
      `SELECT "id", "workspaceId", "type", "name", "settings", "secretsCipher", "enabled" FROM "Destination"${onlyId ? ` WHERE "id" = ?` : ""}`,
    )
    .all(...(onlyId ? [onlyId] : [])) as {
    id: string;
    workspaceId: string;
    type: string;
    name: string;
    settings: string;
    secretsCipher: string | null;
    enabled: number;
  }[];
  const out: WarehouseRow[] = [];
  const sourcesOf = db.prepare(
    `SELECT s."id", s."slug", s."name" FROM "DestinationSource" l JOIN "Source" s ON s."id" = l."sourceId"
      WHERE l."destinationId" = ? ORDER BY s."name"`,
  );
  for (const r of rows) {
    if (!getDestinationType(r.type)?.warehouse) continue;
    let settings: Settings = {};
    let settingsError: string | null = null;
    try {
      const joined = joinSettings(
        parse(r.settings),
        r.secretsCipher ? parse(open(r.secretsCipher, encryptionKey)) : {},
      );
      const checked = validateSettings(r.type, joined);
      if (checked.ok) settings = checked.settings;
      else
        settingsError = `Invalid settings: ${checked.errors.map((e) => `${e.path} ${e.message}`).join("; ")}`;
    } catch {
      settingsError = "The warehouse's credentials could not be decrypted (was ENCRYPTION_KEY changed?)";
    }
    out.push({
      id: r.id,
      workspaceId: r.workspaceId,
      type: r.type,
      name: r.name,
      enabled: Boolean(r.enabled),
      settings,
      settingsError,
      sources: sourcesOf.all(r.id) as WarehouseRow["sources"],
    });
  }
  return out;
}

/** The state row, created on first use (cursor at the archive's start: history is loaded). */
export function getState(db: Db, destinationId: string, workspaceId: string, now: number): StateRow {
  db.prepare(
    `INSERT INTO "WarehouseState" ("destinationId", "workspaceId", "updatedAt") VALUES (?, ?, ?)
      ON CONFLICT ("destinationId") DO NOTHING`,
  ).run(destinationId, workspaceId, now);
  const row = db
    .prepare(`SELECT * FROM "WarehouseState" WHERE "destinationId" = ?`)
    .get(destinationId) as StateRow;
  return { ...row, leaseUntil: Number(row.leaseUntil), nextSyncAt: Number(row.nextSyncAt) };
}

export function* stateOf(destinationId: string): Work<StateRow | undefined> {
  const row = yield* get<StateRow>(`SELECT * FROM "WarehouseState" WHERE "destinationId" = ?`, [
    destinationId,
  ]);
  return row && { ...row, leaseUntil: Number(row.leaseUntil), nextSyncAt: Number(row.nextSyncAt) };
}

export function findState(db: Db, destinationId: string): StateRow | undefined {
  return performBlocking(db, stateOf(destinationId));
}

/** Takes the warehouse's lease if nobody holds it; false when another sync is running. */
export function claimLease(db: Db, destinationId: string, now: number, ms: number): boolean {
  return (
    db
      .prepare(
        `UPDATE "WarehouseState" SET "leaseUntil" = ?, "updatedAt" = ? WHERE "destinationId" = ? AND "leaseUntil" < ?`,
      )
      .run(now + ms, now, destinationId, now).changes === 1
  );
}

export function renewLease(db: Db, destinationId: string, now: number, ms: number): void {
  db.prepare(`UPDATE "WarehouseState" SET "leaseUntil" = ? WHERE "destinationId" = ?`).run(
    now + ms,
    destinationId,
  );
}

export function finishState(
  db: Db,
  destinationId: string,
  patch: { nextSyncAt: number; failures: number; columns?: string },
): void {
  db.prepare(
    `UPDATE "WarehouseState" SET "leaseUntil" = 0, "nextSyncAt" = ?, "failures" = ?, "columns" = COALESCE(?, "columns")
      WHERE "destinationId" = ?`,
  ).run(patch.nextSyncAt, patch.failures, patch.columns ?? null, destinationId);
}

/** Moves the cursor: called only after every table of the batch has committed in the warehouse. */
export function advanceCursor(db: Db, destinationId: string, seq: number, now: number): void {
  db.prepare(
    `UPDATE "WarehouseState" SET "lastSeq" = ?, "updatedAt" = ? WHERE "destinationId" = ? AND "lastSeq" < ?`,
  ).run(seq, now, destinationId, seq);
}

/** Accepted archived messages of these sources after the cursor, oldest first. */
export { readArchive } from "./archive";

/**
 * Accepted archive messages of these sources after the cursor: what a sync has left to load. With
 * `accepted` false, every message after the cursor (blocked ones too): an upper bound read from the
 * ("sourceId", "seq") index alone, ~5 ms for 100,000 messages where the exact count, which reads
 * each message's status, takes ~70–100 ms.
 */
export function* pendingOf(sourceIds: string[], afterSeq: number, accepted = true): Work<number> {
  if (!sourceIds.length) return 0;
  const n = yield* pluck<number>(pendingSql(sourceIds.length, accepted), [...sourceIds, afterSeq]);
  return Number(n ?? 0);
}

/** pendingOf's query for `sources` source ids (then the cursor) as parameters. */
export const pendingSql = (sources: number, accepted: boolean) =>
  `SELECT COUNT(*) AS n FROM "Message" WHERE "sourceId" IN (${Array(sources).fill("?").join(", ")})
    AND "seq" > ?${accepted ? ` AND "status" = 'accepted'` : ""}`;

export function countPending(db: Db, sourceIds: string[], afterSeq: number): number {
  return performBlocking(db, pendingOf(sourceIds, afterSeq));
}

/** What sizes a sync's batches: pendingOf's upper bound, run on the event loop before each sync. */
export function estimatePending(db: Db, sourceIds: string[], afterSeq: number): number {
  return performBlocking(db, pendingOf(sourceIds, afterSeq, false));
}

/**
 * Called by archive retention before it deletes messages older than `cutoff`: every warehouse
 * whose cursor has not passed them counts them as missed and moves its cursor past them, so the
 * console can say how many messages were never loaded. Returns the total missed.
 */
export function recordRetentionLoss(db: Db, cutoff: number): Maybe<number> {
  // Read and written off the event loop on PostgreSQL (the ingest's hourly archive prune).
  const reader = readerFor(db);
  const read = allOf([
    reader.all<{ destinationId: string; lastSeq: number }>(
      `SELECT "destinationId", "lastSeq" FROM "WarehouseState"`,
      [],
    ),
    reader.all<{ destinationId: string; sourceId: string }>(
      `SELECT "destinationId", "sourceId" FROM "DestinationSource"`,
      [],
    ),
  ] as const);
  return andThen(read, ([states, links]) => {
    const lost = states.map((s) => {
      const sources = links.filter((l) => l.destinationId === s.destinationId).map((l) => l.sourceId);
      if (!sources.length) return null;
      return andThen(
        reader.get<{ n: number; last: number | null }>(
          `SELECT COUNT(*) AS n, MAX("seq") AS last FROM "Message" WHERE "sourceId" IN (${sources.map(() => "?").join(", ")})
            AND "seq" > ? AND "status" = 'accepted' AND "receivedAt" < ?`,
          [...sources, s.lastSeq, cutoff],
        ),
        (row) => (row?.n ? { destinationId: s.destinationId, n: Number(row.n), last: row.last } : null),
      );
    });
    return andThen(allOf(lost), (found) => {
      const missed = found.filter((m) => m !== null);
      const written = writeOffLoop(db, () => {
        for (const m of missed)
          db.prepare(
            `UPDATE "WarehouseState" SET "missed" = "missed" + ?, "lastSeq" = CASE WHEN "lastSeq" < ? THEN ? ELSE "lastSeq" END WHERE "destinationId" = ?`,
          ).run(m.n, m.last, m.last, m.destinationId);
      });
      return andThen(written, () => missed.reduce((total, m) => total + m.n, 0));
    });
  });
}

// ---- schemas per source

export interface SchemaRow {
  sourceId: string;
  schemaName: string;
  fixedAt: number | null;
}

export function* schemasOf(destinationId: string): Work<SchemaRow[]> {
  const rows = yield* all<SchemaRow>(
    `SELECT "sourceId", "schemaName", "fixedAt" FROM "WarehouseSchema" WHERE "destinationId" = ?`,
    [destinationId],
  );
  return rows.map((r) => ({ ...r, fixedAt: r.fixedAt === null ? null : Number(r.fixedAt) }));
}

export function listSchemas(db: Db, destinationId: string): SchemaRow[] {
  return performBlocking(db, schemasOf(destinationId));
}

/** The schema of each connected source, creating the default (the slug in snake case) if none. */
export function* schemasFor(w: Pick<WarehouseRow, "id" | "sources">): Work<Map<string, SchemaRow>> {
  const existing = new Map((yield* schemasOf(w.id)).map((s) => [s.sourceId, s]));
  const taken = new Set([...existing.values()].map((s) => s.schemaName));
  for (const s of w.sources) {
    if (existing.has(s.id)) continue;
    let name = defaultSchemaName(s.slug);
    for (let i = 2; taken.has(name); i++) name = `${defaultSchemaName(s.slug).slice(0, 58)}_${i}`;
    taken.add(name);
    yield* run(
      `INSERT INTO "WarehouseSchema" ("destinationId", "sourceId", "schemaName") VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
      [w.id, s.id, name],
    );
    existing.set(s.id, { sourceId: s.id, schemaName: name, fixedAt: null });
  }
  return existing;
}

export function ensureSchemas(db: Db, w: Pick<WarehouseRow, "id" | "sources">): Map<string, SchemaRow> {
  return performBlocking(db, schemasFor(w));
}

/** Sets a source's schema name; false when it is already fixed (something was loaded into it). */
export function* renameSchema(destinationId: string, sourceId: string, name: string): Work<boolean> {
  const row = yield* get<{ fixedAt: number | null }>(
    `SELECT "fixedAt" FROM "WarehouseSchema" WHERE "destinationId" = ? AND "sourceId" = ?`,
    [destinationId, sourceId],
  );
  if (row && row.fixedAt !== null) return false;
  yield* run(
    `INSERT INTO "WarehouseSchema" ("destinationId", "sourceId", "schemaName") VALUES (?, ?, ?)
      ON CONFLICT ("destinationId", "sourceId") DO UPDATE SET "schemaName" = excluded."schemaName"`,
    [destinationId, sourceId, name],
  );
  return true;
}

export function setSchemaName(db: Db, destinationId: string, sourceId: string, name: string): boolean {
  return performBlocking(db, renameSchema(destinationId, sourceId, name));
}

export function fixSchema(db: Db, destinationId: string, sourceId: string, now: number): void {
  db.prepare(
    `UPDATE "WarehouseSchema" SET "fixedAt" = ? WHERE "destinationId" = ? AND "sourceId" = ? AND "fixedAt" IS NULL`,
  ).run(now, destinationId, sourceId);
}

// ---- Selective Sync

export interface SelectionRow {
  tableName: string;
  columnName: string;
}

export function* selectionRows(destinationId: string): Work<SelectionRow[]> {
  return yield* all<SelectionRow>(
    `SELECT "tableName", "columnName" FROM "WarehouseSelection" WHERE "destinationId" = ? ORDER BY "tableName", "columnName"`,
    [destinationId],
  );
}

export function listSelection(db: Db, destinationId: string): SelectionRow[] {
  return performBlocking(db, selectionRows(destinationId));
}

export function* writeSelection(destinationId: string, rows: SelectionRow[], now: Date): Work<void> {
  yield* transaction(
    (function* () {
      yield* run(`DELETE FROM "WarehouseSelection" WHERE "destinationId" = ?`, [destinationId]);
      for (const r of rows)
        yield* run(
          `INSERT INTO "WarehouseSelection" ("destinationId", "tableName", "columnName", "createdAt") VALUES (?, ?, ?, ?)`,
          [destinationId, r.tableName, r.columnName, now.getTime()],
        );
    })(),
  );
}

export function replaceSelection(db: Db, destinationId: string, rows: SelectionRow[], now: Date): void {
  performBlocking(db, writeSelection(destinationId, rows, now));
}

// ---- sync runs: ./runs.ts (re-exported below)

/** Removes the warehouse rows of destinations that were deleted (no foreign keys on these tables). */
export function sweepDeleted(db: Db): number {
  let removed = 0;
  for (const table of ["WarehouseState", "WarehouseSchema", "WarehouseSyncRun", "WarehouseSelection"])
    removed += db
      .prepare(`DELETE FROM "${table}" WHERE "destinationId" NOT IN (SELECT "id" FROM "Destination")`)
      .run().changes;
  return removed;
}

export * from "./runs";
