import type Database from "better-sqlite3";
import { getDestinationType, joinSettings, validateSettings } from "@/lib/catalog";
import { integrationKeys } from "@/lib/catalog/integration-keys";
import { open } from "@/lib/crypto/secrets";
import { allOf, andThen, type Maybe, readerFor } from "@/lib/db/off-loop";
import type { Settings } from "@/lib/delivery/types";
import type { FilterDefinition } from "@/lib/filters/apply";
import {
  BINDINGS_FINGERPRINT,
  type BindingRow,
  DESTINATION_BINDINGS_SQL,
  type DestinationBindings,
  destinationBindings,
} from "@/lib/functions/bindings";
import { PRIVACY_FINGERPRINT, type PrivacyRows, privacyRules } from "@/lib/privacy/policy";
import { ROUTER_READS as PRIVACY_READS } from "@/lib/privacy/sql";
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

type FilterRow = FilterDefinition & { destinationId: string; enabled: number | boolean };
type SchemaOffRow = { sourceId: string; kind: string; name: string; destinationId: string };

// Everything the table is built from: independent reads, so on PostgreSQL they run at once on the
// asynchronous pool (readRoutingTable). Consistency across them comes from the fingerprint: it is
// read before them, so a change they half see changes the next fingerprint and reloads the table.
const READS = {
  destinations: `SELECT "id", "workspaceId", "type", "name", "settings", "secretsCipher", "enabled", "updatedAt" FROM "Destination"`,
  filters: `SELECT "id", "destinationId", "name", "condition", "action", "config", "enabled", "position" FROM "Filter" ORDER BY "position"`,
  links: `SELECT "destinationId", "sourceId" FROM "DestinationSource"`,
  bindings: DESTINATION_BINDINGS_SQL,
  ...PRIVACY_READS,
  schemaOff: SQL.integrationFilters,
} as const;

interface TableRows extends PrivacyRows {
  destinations: DestinationRow[];
  filters: FilterRow[];
  links: { destinationId: string; sourceId: string }[];
  bindings: BindingRow[];
  schemaOff: SchemaOffRow[];
}

const NAMES = Object.keys(READS) as (keyof typeof READS)[];

/** The routing table, read now (blocking on PostgreSQL: at start and in one-off console actions). */
export function loadRoutingTable(db: Database.Database, encryptionKey: () => string): RoutingTable {
  const rows = Object.fromEntries(NAMES.map((n) => [n, db.prepare(READS[n]).all()]));
  return buildRoutingTable(rows as unknown as TableRows, encryptionKey);
}

/** The routing table; on PostgreSQL read off the event loop (a delivering process's reloads). */
export function readRoutingTable(db: Database.Database, encryptionKey: () => string): Maybe<RoutingTable> {
  const reader = readerFor(db);
  return andThen(allOf(NAMES.map((n) => reader.all(READS[n], []))), (answers) =>
    buildRoutingTable(
      Object.fromEntries(NAMES.map((n, i) => [n, answers[i]])) as unknown as TableRows,
      encryptionKey,
    ),
  );
}

function buildRoutingTable(rows: TableRows, encryptionKey: () => string): RoutingTable {
  const filtersOf = new Map<string, FilterDefinition[]>();
  for (const f of rows.filters) {
    const list = filtersOf.get(f.destinationId) ?? [];
    list.push({ ...f, enabled: Boolean(f.enabled) });
    filtersOf.set(f.destinationId, list);
  }
  const functions = destinationBindings(rows.bindings, encryptionKey());
  const workspaceOf = new Map(rows.destinations.map((r) => [r.id, r.workspaceId]));
  const privacy = privacyRules(rows, (id) => workspaceOf.get(id));
  const table: RoutingTable = {
    destinations: new Map(),
    bySource: new Map(),
    workspaces: new Set(),
    schemaOff: schemaOff(rows.schemaOff),
  };
  for (const row of rows.destinations) {
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
  for (const link of rows.links) {
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

function schemaOff(rows: SchemaOffRow[]): RoutingTable["schemaOff"] {
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
