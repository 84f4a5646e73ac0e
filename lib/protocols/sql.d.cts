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
export const MAX_SAMPLES: number;
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

export interface ViolationSample {
  messageId: string | null;
  receivedAt: number;
  value?: unknown;
}

/** The rows one drain() upserts (counts are deltas). */
export interface SchemaDrain {
  entries: { sourceId: string; kind: string; name: string; count: number; first: number; last: number }[];
  properties: { sourceId: string; kind: string; name: string; path: string; type: string; count: number }[];
  hours: { sourceId: string; key: string; hour: number; count: number }[];
  violations: {
    sourceId: string;
    kind: string;
    name: string;
    path: string;
    code: string;
    message: string;
    count: number;
    first: number;
    last: number;
    /** New samples only; merge with the stored ones (mergeSamples). */
    samples: ViolationSample[];
  }[];
  /** [SchemaEventFilter id, hits]. */
  hits: [string, number][];
  /** Hourly buckets before this hour are pruned; null: already done this hour. */
  pruneBefore: number | null;
}

export interface SchemaCollector {
  add: SchemaWriter["add"];
  drain(now: number): SchemaDrain;
  reset(): void;
  pending(): number;
}
export function createSchemaCollector(): SchemaCollector;
/** A stored sample list (JSON text or null) followed by new samples, the newest kept. */
export function mergeSamples(stored: string | null | undefined, fresh: ViolationSample[]): ViolationSample[];

export function schemaPageSql(
  search: boolean,
  sort: "name" | "volume" | "lastSeen" | "firstSeen",
  order: "asc" | "desc",
): { count: string; page: string };
