import { audit } from "@/lib/audit";
import {
  changedRoutingFields,
  getDestinationType,
  mergeSettingsUpdate,
  secretsNotReentered,
  validateSettings,
} from "@/lib/catalog";
import { sqlite } from "@/lib/db/sqlite";
import { perform, pluck } from "@/lib/db/work";
import type { DestinationRow } from "@/lib/destinations/queries";
import { settingsFieldErrors } from "@/lib/destinations/schema";
import { loadDestinationSettings, requireDestinationScope } from "@/lib/destinations/service";
import { env } from "@/lib/env";
import { AppError, conflict } from "@/lib/errors";
import type { WorkspaceAccess } from "@/lib/workspaces/access";
import { defaultLoader } from "./scheduler";
import type { WarehouseUpdate } from "./schema";
import * as store from "./store";

// What the console's warehouse routes do: Test connection, Sync now, the sync history, and the
// per-warehouse configuration (schema names per source, Selective Sync).

export function requireWarehouse(row: DestinationRow) {
  const type = getDestinationType(row.type);
  if (!type?.warehouse)
    throw new AppError("bad_request", `${type?.name ?? row.type} is not a warehouse: it has no syncs`);
  return type;
}

/** Checks a warehouse's settings as the form holds them, before they are saved. */
export async function testConnection(
  input: { type: string; settings: Record<string, unknown> },
  existing?: DestinationRow,
) {
  const type = getDestinationType(input.type);
  if (!type?.warehouse)
    throw new AppError("bad_request", "Test connection is available for warehouses only", [
      { path: "type", message: "Not a warehouse type" },
    ]);
  let settings = input.settings;
  if (existing) {
    if (existing.type !== input.type)
      throw new AppError("bad_request", "type does not match the destination");
    // Like a save: a masked password means the stored one, but never for a different host.
    const previous = await loadDestinationSettings(existing.id);
    settings = mergeSettingsUpdate(input.type, previous, input.settings);
    const moved = changedRoutingFields(input.type, previous, settings);
    const kept = moved.length ? secretsNotReentered(input.type, previous, input.settings, settings) : [];
    if (kept.length)
      throw new AppError(
        "bad_request",
        "The host or port changed: re-enter the password to test the new address",
        kept.map((f) => ({ path: `settings.${f.key}`, message: "Re-enter it for the new host" })),
      );
  }
  const checked = validateSettings(input.type, settings);
  if (!checked.ok) {
    const fields = settingsFieldErrors(checked.errors);
    throw new AppError("bad_request", `${fields[0]?.path}: ${fields[0]?.message}`, fields);
  }
  const loader = defaultLoader(env().ALLOW_PRIVATE_DESTINATIONS)(input.type, checked.settings);
  try {
    return await loader.check();
  } finally {
    await loader.close();
  }
}

const parseRows = (text: string): Record<string, number> => {
  try {
    return JSON.parse(text) as Record<string, number>;
  } catch {
    return {};
  }
};

export function runView(r: store.RunRow) {
  return {
    id: r.id,
    trigger: r.trigger,
    status: r.status,
    queuedAt: new Date(r.queuedAt).toISOString(),
    startedAt: r.startedAt === null ? null : new Date(r.startedAt).toISOString(),
    finishedAt: r.finishedAt === null ? null : new Date(r.finishedAt).toISOString(),
    durationMs: r.startedAt !== null && r.finishedAt !== null ? r.finishedAt - r.startedAt : null,
    messages: r.messages,
    rows: parseRows(r.rows),
    pending: r.pending,
    error: r.error,
  };
}
export type SyncRunView = ReturnType<typeof runView>;

function* historyWork(row: DestinationRow, limit: number) {
  const state = yield* store.stateOf(row.id);
  const runs = yield* store.runsOf(row.id, limit);
  const pending = yield* store.pendingOf(
    row.sources.map((s) => s.source.id),
    state?.lastSeq ?? 0,
  );
  return { state, runs, pending };
}

/**
 * The sync history and what is pending now. The Syncs tab polls it every 2 s while a sync runs, and
 * counting a large backlog takes a while: on PostgreSQL it is read on the asynchronous pool.
 */
export async function syncHistory(row: DestinationRow, limit = 50) {
  const { state, runs, pending } = await perform(sqlite(), historyWork(row, limit));
  return {
    runs: runs.map(runView),
    pending,
    missed: state?.missed ?? 0,
    nextSyncAt:
      state && row.enabled && state.nextSyncAt
        ? new Date(Math.max(state.nextSyncAt, Date.now())).toISOString()
        : null,
    enabled: row.enabled,
  };
}

/** Sync now: queues a run (or returns the one already waiting); the scheduler starts it within seconds. */
export async function requestSync(access: WorkspaceAccess, row: DestinationRow) {
  requireWarehouse(row);
  requireDestinationScope(access, row);
  if (!row.sources.length) throw conflict("Connect a source first: this warehouse has nothing to load");
  const { run, created } = await perform(
    sqlite(),
    store.runQueued({ id: row.id, workspaceId: row.workspaceId }, "manual", Date.now(), access.user.email),
  );
  if (created)
    await audit(access, {
      action: "warehouse.sync_requested",
      targetType: "destination",
      targetId: row.id,
      targetName: row.name,
      after: { run: run.id },
    });
  return { run: runView(run), created };
}

function* configWork(row: DestinationRow) {
  const sources = row.sources.map((s) => s.source);
  const slugged: { id: string; slug: string; name: string }[] = [];
  for (const s of sources) {
    const slug = yield* pluck<string>(`SELECT "slug" FROM "Source" WHERE "id" = ?`, [s.id]);
    slugged.push({ id: s.id, slug: slug ?? s.id, name: s.name });
  }
  const schemas = yield* store.schemasFor({ id: row.id, sources: slugged });
  const state = yield* store.stateOf(row.id);
  const selection = yield* store.selectionRows(row.id);
  let columns: Record<string, Record<string, Record<string, string>>> = {};
  try {
    columns = JSON.parse(state?.columns ?? "{}");
  } catch {}
  return {
    sources: sources.map((s) => ({
      sourceId: s.id,
      sourceName: s.name,
      schemaName: schemas.get(s.id)?.schemaName ?? "",
      fixed: schemas.get(s.id)?.fixedAt != null,
    })),
    disabled: selection.map((r) =>
      r.columnName ? { table: r.tableName, column: r.columnName } : { table: r.tableName },
    ),
    columns,
  };
}

/**
 * Schemas per connected source (the defaults created on first view), Selective Sync and the
 * columns last seen in the warehouse. Off the event loop on PostgreSQL.
 */
export async function warehouseConfig(row: DestinationRow) {
  return perform(sqlite(), configWork(row));
}

export async function updateWarehouseConfig(
  access: WorkspaceAccess,
  row: DestinationRow,
  input: WarehouseUpdate & {},
) {
  requireWarehouse(row);
  requireDestinationScope(access, row);
  const db = sqlite();
  const before = await warehouseConfig(row);
  if (input.schemas) {
    const connected = new Set(row.sources.map((s) => s.source.id));
    const names = new Map(before.sources.map((s) => [s.sourceId, s.schemaName]));
    input.schemas.forEach((s, i) => {
      if (!connected.has(s.sourceId))
        throw new AppError("not_found", "Source not connected to this warehouse", [
          { path: `schemas.${i}.sourceId`, message: "Not connected to this warehouse" },
        ]);
      names.set(s.sourceId, s.schemaName!);
    });
    const seen = new Set<string>();
    for (const [, name] of names) {
      if (seen.has(name)) throw conflict(`Two sources cannot load into the same schema "${name}"`, "schemas");
      seen.add(name);
    }
    for (const [i, s] of input.schemas.entries()) {
      const current = before.sources.find((b) => b.sourceId === s.sourceId);
      if (current?.schemaName === s.schemaName) continue;
      if (!(await perform(db, store.renameSchema(row.id, s.sourceId, s.schemaName!))))
        throw new AppError(
          "conflict",
          `The schema of ${current?.sourceName} is fixed: data was loaded into "${current?.schemaName}"`,
          [{ path: `schemas.${i}.schemaName`, message: "Fixed once data was loaded" }],
        );
    }
  }
  if (input.disabled) {
    const unique = new Map(input.disabled.map((d) => [`${d.table}.${d.column ?? ""}`, d]));
    await perform(
      db,
      store.writeSelection(
        row.id,
        [...unique.values()].map((d) => ({ tableName: d.table!, columnName: d.column ?? "" })),
        new Date(),
      ),
    );
  }
  const after = await warehouseConfig(row);
  await audit(access, {
    action: "warehouse.updated",
    targetType: "destination",
    targetId: row.id,
    targetName: row.name,
    before: {
      schemas: before.sources.map((s) => `${s.sourceName}: ${s.schemaName}`),
      disabled: before.disabled.length,
    },
    after: {
      schemas: after.sources.map((s) => `${s.sourceName}: ${s.schemaName}`),
      disabled: after.disabled.length,
    },
  });
  return after;
}
