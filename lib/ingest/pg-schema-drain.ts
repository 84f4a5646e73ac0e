import type pg from "pg";
import { mergeSamples, type SchemaDrain } from "@/lib/protocols/sql.cjs";

// The Source Schema's aggregates on PostgreSQL (lib/protocols/sql.cjs collects them at ingest):
// written by PgArchiveStore inside a commit's transaction, or by its idle timer in one of their own.

// The Source Schema's upserts (the same statements as lib/protocols/sql.cjs, one row per array
// element). Rows are sorted by key so concurrent writers lock them in one order.
const SCHEMA_ENTRIES = `INSERT INTO "SchemaEntry" ("sourceId", "kind", "name", "count", "firstSeen", "lastSeen")
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[])
  ON CONFLICT ("sourceId", "kind", "name") DO UPDATE SET "count" = "SchemaEntry"."count" + excluded."count",
    "firstSeen" = LEAST("SchemaEntry"."firstSeen", excluded."firstSeen"),
    "lastSeen" = GREATEST("SchemaEntry"."lastSeen", excluded."lastSeen")`;
const SCHEMA_PROPERTIES = `INSERT INTO "SchemaProperty" ("sourceId", "kind", "name", "path", "type", "count")
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[])
  ON CONFLICT ("sourceId", "kind", "name", "path", "type") DO UPDATE SET "count" = "SchemaProperty"."count" + excluded."count"`;
const SCHEMA_HOURS = `INSERT INTO "SchemaHour" ("sourceId", "key", "hour", "count")
  SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])
  ON CONFLICT ("sourceId", "key", "hour") DO UPDATE SET "count" = "SchemaHour"."count" + excluded."count"`;
const VIOLATION_SAMPLES = `SELECT v."sourceId", v."kind", v."name", v."path", v."code", v."samples" FROM "SchemaViolation" v
  JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS k("sourceId", "kind", "name", "path", "code")
  ON v."sourceId" = k."sourceId" AND v."kind" = k."kind" AND v."name" = k."name" AND v."path" = k."path" AND v."code" = k."code"`;
const SCHEMA_VIOLATIONS = `INSERT INTO "SchemaViolation" ("sourceId", "kind", "name", "path", "code", "message", "count", "firstSeen", "lastSeen", "samples")
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::bigint[], $10::text[])
  ON CONFLICT ("sourceId", "kind", "name", "path", "code") DO UPDATE SET "message" = excluded."message",
    "count" = "SchemaViolation"."count" + excluded."count",
    "lastSeen" = GREATEST("SchemaViolation"."lastSeen", excluded."lastSeen"), "samples" = excluded."samples"`;
const FILTER_HITS = `UPDATE "SchemaEventFilter" f SET "hits" = f."hits" + k.n
  FROM unnest($1::text[], $2::int[]) AS k(id, n) WHERE f."id" = k.id`;
const PRUNE_HOURS = `DELETE FROM "SchemaHour" WHERE "hour" < $1`;

const SEP = "\u001f";

/** Columns of rows (sorted by their key) for an unnest statement. */
function columns<T>(rows: T[], key: (r: T) => string, pick: ((r: T) => unknown)[]): unknown[][] {
  const sorted = rows
    .map((r) => [key(r), r] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pick.map((f) => sorted.map(([, r]) => f(r)));
}

/** Writes one drain of the Source Schema collector, inside the caller's transaction. */
export async function writeSchemaDrain(client: pg.PoolClient, d: SchemaDrain): Promise<void> {
  if (d.entries.length > 0) {
    await client.query(
      SCHEMA_ENTRIES,
      columns(d.entries, (e) => e.sourceId + SEP + e.kind + SEP + e.name, [
        (e) => e.sourceId,
        (e) => e.kind,
        (e) => e.name,
        (e) => e.count,
        (e) => e.first,
        (e) => e.last,
      ]),
    );
  }
  if (d.properties.length > 0) {
    await client.query(
      SCHEMA_PROPERTIES,
      columns(d.properties, (p) => [p.sourceId, p.kind, p.name, p.path, p.type].join(SEP), [
        (p) => p.sourceId,
        (p) => p.kind,
        (p) => p.name,
        (p) => p.path,
        (p) => p.type,
        (p) => p.count,
      ]),
    );
  }
  if (d.hours.length > 0) {
    await client.query(
      SCHEMA_HOURS,
      columns(d.hours, (h) => h.sourceId + SEP + h.key + SEP + h.hour, [
        (h) => h.sourceId,
        (h) => h.key,
        (h) => h.hour,
        (h) => h.count,
      ]),
    );
  }
  if (d.violations.length > 0) {
    const key = (v: { sourceId: string; kind: string; name: string; path: string; code: string }) =>
      [v.sourceId, v.kind, v.name, v.path, v.code].join(SEP);
    type V = SchemaDrain["violations"][number];
    const fields = [
      (v: V) => v.sourceId,
      (v: V) => v.kind,
      (v: V) => v.name,
      (v: V) => v.path,
      (v: V) => v.code,
    ];
    const stored = new Map<string, string>();
    const old = await client.query<{
      sourceId: string;
      kind: string;
      name: string;
      path: string;
      code: string;
      samples: string;
    }>(VIOLATION_SAMPLES, columns(d.violations, key, fields));
    for (const r of old.rows) stored.set(key(r), r.samples);
    await client.query(
      SCHEMA_VIOLATIONS,
      columns(d.violations, key, [
        ...fields,
        (v) => v.message,
        (v) => v.count,
        (v) => v.first,
        (v) => v.last,
        (v) => JSON.stringify(mergeSamples(stored.get(key(v)), v.samples)),
      ]),
    );
  }
  if (d.hits.length > 0) {
    const hits = [...d.hits].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    await client.query(FILTER_HITS, [hits.map((h) => h[0]), hits.map((h) => h[1])]);
  }
  if (d.pruneBefore !== null) await client.query(PRUNE_HOURS, [d.pruneBefore]);
}
