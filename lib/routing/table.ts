import type Database from "better-sqlite3";
import { getDestinationType, joinSettings, validateSettings } from "@/lib/catalog";
import { integrationKeys } from "@/lib/catalog/integration-keys";
import { open } from "@/lib/crypto/secrets";
import { andThen, type Maybe, readerFor } from "@/lib/db/off-loop";
import type { Settings } from "@/lib/delivery/types";
import type { FilterDefinition } from "@/lib/filters/apply";
import {
  BINDINGS_FINGERPRINT,
  type DestinationBindings,
  loadDestinationBindings,
} from "@/lib/functions/bindings";
import { loadPrivacyRules, PRIVACY_FINGERPRINT } from "@/lib/privacy/policy";
import { SQL } from "@/lib/protocols/sql.cjs";
import type { RouteTarget } from "@/lib/routing/route";

// Where messages go: every destination with its decrypted settings, filters and connected
// sources, read straight from the database (the runner may live in its own process, without
// Prisma). Re-read when the cheap fingerprint query says something changed.

export interface RoutedDestination extends RouteTarget {
  workspaceId: string;
  type: string;
  enabled: boolean;
  /** Full settings (public + secrets), catalog defaults applied. */
  settings: Settings;
  /** Why the settings cannot be used (deliveries then fail with invalid_settings). */
  settingsError: string | null;
  /** Changes whenever anything a worker depends on changes. */
  version: string;
  /** Its destination function and/or insert function, deployed (lib/functions). */
  functions?: DestinationBindings;
}

export interface RoutingTable {
  destinations: Map<string, RoutedDestination>;
  /** sourceId -> enabled destinations connected to it. */
  bySource: Map<string, RoutedDestination[]>;
  /** Workspaces with at least one enabled, connected destination. */
  workspaces: Set<string>;
  /** Schema integration filters: sourceId -> schemaKey (steps.ts) -> destination ids switched off. */
  schemaOff: Map<string, Map<string, Set<string>>>;
}

interface DestinationRow {
  id: string;
  workspaceId: string;
  type: string;
  name: string;
  settings: string;
  secretsCipher: string | null;
  enabled: number;
  updatedAt: unknown;
}

const parseObject = (text: string | null): Settings => {
  const v = text ? (JSON.parse(text) as unknown) : {};
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Settings) : {};
};

function fullSettings(
  row: DestinationRow,
  encryptionKey: () => string,
): { settings: Settings; error: string | null } {
  let joined: Settings;
  try {
    joined = joinSettings(
      parseObject(row.settings),
      row.secretsCipher ? parseObject(open(row.secretsCipher, encryptionKey())) : {},
    );
  } catch {
    return {
      settings: {},
      error: "The destination's credentials could not be decrypted (was ENCRYPTION_KEY changed?)",
    };
  }
  const checked = validateSettings(row.type, joined);
  if (checked.ok) return { settings: checked.settings, error: null };
  return {
    settings: joined,
    error: `Invalid settings: ${checked.errors.map((e) => `${e.path} ${e.message}`).join("; ")}`,
  };
}

export function loadRoutingTable(db: Database.Database, encryptionKey: () => string): RoutingTable {
  const rows = db
    .prepare(
      `SELECT "id", "workspaceId", "type", "name", "settings", "secretsCipher", "enabled", "updatedAt" FROM "Destination"`,
    )
    .all() as DestinationRow[];
  const filters = db
    .prepare(
      `SELECT "id", "destinationId", "name", "condition", "action", "config", "enabled", "position" FROM "Filter" ORDER BY "position"`,
    )
    .all() as (FilterDefinition & { destinationId: string; enabled: number | boolean })[];
  const links = db.prepare(`SELECT "destinationId", "sourceId" FROM "DestinationSource"`).all() as {
    destinationId: string;
    sourceId: string;
  }[];
  const filtersOf = new Map<string, FilterDefinition[]>();
  for (const f of filters) {
    const list = filtersOf.get(f.destinationId) ?? [];
    list.push({ ...f, enabled: Boolean(f.enabled) });
    filtersOf.set(f.destinationId, list);
  }
  const functions = loadDestinationBindings(db, encryptionKey());
  const workspaceOf = new Map(rows.map((r) => [r.id, r.workspaceId]));
  const privacy = loadPrivacyRules(db, (id) => workspaceOf.get(id));
  const table: RoutingTable = {
    destinations: new Map(),
    bySource: new Map(),
    workspaces: new Set(),
    schemaOff: loadSchemaOff(db),
  };
  for (const row of rows) {
    const type = getDestinationType(row.type);
    if (!type) continue; // no longer in the catalog: nothing could deliver to it
    if (type.warehouse) continue; // loaded in bulk from the archive (lib/warehouses), never routed
    const { settings, error } = fullSettings(row, encryptionKey);
    const destFilters = filtersOf.get(row.id) ?? [];
    const fns = functions.get(row.id);
    const fnVersion = fns
      ? [fns.destination, fns.insert].map((b) => b && `${b.instanceId}@${b.version}:${b.settingsJson}`)
      : null;
    table.destinations.set(row.id, {
      id: row.id,
      workspaceId: row.workspaceId,
      type: row.type,
      name: row.name,
      catalogName: type.name,
      integrationKeys: integrationKeys(type),
      supportedTypes: new Set(type.supportedTypes),
      filters: destFilters,
      privacy: privacy.get(row.id),
      enabled: Boolean(row.enabled),
      settings,
      settingsError: error,
      version: JSON.stringify([
        row.updatedAt,
        row.settings,
        row.secretsCipher,
        row.enabled,
        destFilters,
        fnVersion,
      ]),
      functions: fns,
    });
  }
  for (const link of links) {
    const dest = table.destinations.get(link.destinationId);
    if (!dest?.enabled) continue;
    const list = table.bySource.get(link.sourceId) ?? [];
    list.push(dest);
    table.bySource.set(link.sourceId, list);
    table.workspaces.add(dest.workspaceId);
  }
  return table;
}

// One statement: read with every routing pass, in the statement that reads the messages
// (lib/routing/router.ts), and on its own every configRefreshMs.
export const FINGERPRINT = `SELECT (SELECT COUNT(*) FROM "Destination") AS d, (SELECT MAX("updatedAt") FROM "Destination") AS du,
  (SELECT COUNT(*) FROM "Filter") AS f, (SELECT MAX("updatedAt") FROM "Filter") AS fu,
  (SELECT COUNT(*) FROM "DestinationSource") AS l, (SELECT MAX("createdAt") FROM "DestinationSource") AS lu,
  ${BINDINGS_FINGERPRINT}, ${PRIVACY_FINGERPRINT}, ${SQL.integrationFiltersFingerprint}`;

/** Changes when destinations, their filters, connections, functions, privacy or schema filters change. */
export function routingFingerprint(db: Database.Database): string {
  return JSON.stringify(db.prepare(FINGERPRINT).get());
}

/** routingFingerprint, read off the event loop on PostgreSQL (the every-second refresh). */
export function readRoutingFingerprint(db: Database.Database): Maybe<string> {
  return andThen(readerFor(db).get(FINGERPRINT, []), (row) => JSON.stringify(row));
}

function loadSchemaOff(db: Database.Database): RoutingTable["schemaOff"] {
  const rows = db.prepare(SQL.integrationFilters).all() as {
    sourceId: string;
    kind: string;
    name: string;
    destinationId: string;
  }[];
  const out: RoutingTable["schemaOff"] = new Map();
  for (const r of rows) {
    const bySource = out.get(r.sourceId) ?? new Map<string, Set<string>>();
    out.set(r.sourceId, bySource);
    const key = `${r.kind}\u001f${r.name}`;
    const off = bySource.get(key) ?? new Set<string>();
    bySource.set(key, off);
    off.add(r.destinationId);
  }
  return out;
}
