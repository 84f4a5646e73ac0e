import type Database from "better-sqlite3";

export const SQL: Record<
  | "upsertEntry"
  | "upsertProperty"
  | "upsertHour"
  | "pruneHours"
  | "violationSamples"
  | "upsertViolation"
  | "filterHits"
  | "sourceProtocols"
  | "sourceInWorkspace"
  | "planById"
  | "eventFilters"
  | "integrationFilters"
  | "integrationFiltersFingerprint"
  | "entryColumns"
  | "properties"
  | "violations",
  string
>;
export const SEP: string;
export const PAIR: string;
export const HOUR_MS: number;
export function hourOf(ms: number): number;

export interface SchemaWriter {
  /** One stored message: its observation (lib/protocols/observe.ts) and Message.protocol. */
  add(
    sourceId: string,
    obs: string | null,
    protocol: string | null,
    receivedAt: number,
    messageId: string | null,
  ): void;
  /** Writes what was added since the last flush; call inside the messages' transaction. */
  flush(now: number): void;
  reset(): void;
  /** Messages added since the last flush. */
  pending(): number;
}
export function createSchemaWriter(db: Database.Database): SchemaWriter;

export function schemaPageSql(
  search: boolean,
  sort: "name" | "volume" | "lastSeen" | "firstSeen",
  order: "asc" | "desc",
): { count: string; page: string };
