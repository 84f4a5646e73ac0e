import type Database from "better-sqlite3";
import { z } from "zod";
import { andThen, type Maybe } from "@/lib/db/off-loop";
import { all, perform, pluck, type Work } from "@/lib/db/work";
import { escapeLike } from "@/lib/ingest/sqlite-store";
import { HOUR_MS, hourOf, SEP, SQL, schemaPageSql } from "@/lib/protocols/sql.cjs";

// The Source Schema and Violations as the console reads them: straight from the aggregate
// tables the archive writer keeps (never from the archive), filtered, sorted and paged in SQL.
// Database work (lib/db/work.ts): on PostgreSQL off the event loop.

export const schemaQuery = z.object({
  kind: z.enum(["track", "page", "screen", "identify", "group"]).default("track"),
  q: z.string().max(200).default(""),
  sort: z.enum(["name", "volume", "lastSeen", "firstSeen"]).default("volume"),
  order: z.enum(["asc", "desc"]).default("desc"),
  window: z.enum(["24h", "7d"]).default("24h"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
});
export type SchemaQuery = z.infer<typeof schemaQuery>;

export interface SchemaProperty {
  path: string;
  /** Observed JSON types, most frequent first, with how many messages carried each. */
  types: { type: string; count: number }[];
  /** Share of this entry's messages that carried the property (0..1). */
  frequency: number;
}

export interface SchemaItem {
  kind: string;
  name: string;
  /** Messages (for traits: messages carrying the trait) since the source was first seen. */
  total: number;
  /** Over the chosen window. */
  volume: number;
  firstSeen: number;
  lastSeen: number;
  properties: SchemaProperty[];
}

export function windowStartHour(window: "24h" | "7d", now: number): number {
  return hourOf(now - (window === "24h" ? 24 : 168) * HOUR_MS) + 1;
}

export function readSchema(
  db: Database.Database,
  sourceId: string,
  query: SchemaQuery,
  now = Date.now(),
): Maybe<{ items: SchemaItem[]; total: number }> {
  return perform(db, schemaWork(sourceId, query, now));
}

function* schemaWork(
  sourceId: string,
  query: SchemaQuery,
  now: number,
): Work<{ items: SchemaItem[]; total: number }> {
  const params: unknown[] = [sourceId, query.kind];
  if (query.q) params.push(`%${escapeLike(query.q)}%`);
  const sql = schemaPageSql(query.q !== "", query.sort, query.order);
  const total = Number((yield* pluck<number>(sql.count, params)) ?? 0);
  const rows = yield* all<{
    kind: string;
    name: string;
    count: number;
    firstSeen: number | bigint;
    lastSeen: number | bigint;
    volume: number;
  }>(sql.page, [
    SEP,
    windowStartHour(query.window, now),
    ...params,
    query.pageSize,
    (query.page - 1) * query.pageSize,
  ]);
  const items: SchemaItem[] = [];
  for (const r of rows) {
    const byPath = new Map<string, { type: string; count: number }[]>();
    for (const p of yield* all<{ path: string; type: string; count: number }>(SQL.properties, [
      sourceId,
      r.kind,
      r.name,
    ])) {
      const list = byPath.get(p.path) ?? [];
      list.push({ type: p.type, count: Number(p.count) });
      byPath.set(p.path, list);
    }
    const count = Number(r.count);
    const properties: SchemaProperty[] = [...byPath].map(([path, types]) => ({
      path,
      types,
      frequency: count > 0 ? Math.min(1, types.reduce((n, t) => n + t.count, 0) / count) : 0,
    }));
    items.push({
      kind: r.kind,
      name: r.name,
      total: count,
      volume: Number(r.volume),
      firstSeen: Number(r.firstSeen),
      lastSeen: Number(r.lastSeen),
      properties,
    });
  }
  return { items, total };
}

export interface ViolationItem {
  kind: string;
  name: string;
  path: string;
  code: string;
  message: string;
  total: number;
  day: number;
  week: number;
  firstSeen: number;
  lastSeen: number;
  samples: { messageId: string | null; receivedAt: number; value?: string }[];
}

export function readViolations(
  db: Database.Database,
  sourceId: string,
  now = Date.now(),
): Maybe<ViolationItem[]> {
  const day = windowStartHour("24h", now);
  const week = windowStartHour("7d", now);
  const rows = perform(
    db,
    all<Omit<ViolationItem, "samples" | "total"> & { count: number; samples: string }>(SQL.violations, [
      SEP,
      SEP,
      SEP,
      SEP,
      day,
      SEP,
      SEP,
      SEP,
      SEP,
      week,
      sourceId,
    ]),
  );
  return andThen(rows, (list) =>
    list.map(({ count, samples, ...r }) => ({
      ...r,
      total: Number(count),
      day: Number(r.day),
      week: Number(r.week),
      firstSeen: Number(r.firstSeen),
      lastSeen: Number(r.lastSeen),
      samples: safeSamples(samples),
    })),
  );
}

function safeSamples(text: string): ViolationItem["samples"] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as ViolationItem["samples"]) : [];
  } catch {
    return [];
  }
}
