import type { z } from "zod";
import { db } from "@/lib/db";
import { parseJsonObject } from "@/lib/destinations/queries";
import { AppError, type FieldError, notFound } from "@/lib/errors";
import type { FqlError } from "@/lib/filters/fql";
import { type FilterInput, type FilterUpdate, filterConfigFor } from "@/lib/filters/schema";
import { requireUniqueName } from "@/lib/validation/unique-name";

// A destination's filters. Positions are 0..n-1 without gaps: new filters go last, deletes close
// the gap, and a reorder must name every filter exactly once (a stale list is refused, not merged).

export type FilterRow = Awaited<ReturnType<typeof db.filter.findFirstOrThrow>>;

export interface FilterView {
  id: string;
  destinationId: string;
  name: string;
  condition: string;
  action: string;
  config: Record<string, unknown>;
  enabled: boolean;
  position: number;
  createdAt: string;
  updatedAt: string;
}

/** A field error; for a condition syntax error it also says where, so the editor can underline it. */
export interface FilterFieldError extends FieldError {
  position?: number;
  line?: number;
  column?: number;
  length?: number;
}

export function toFilterView(row: FilterRow): FilterView {
  return {
    id: row.id,
    destinationId: row.destinationId,
    name: row.name,
    condition: row.condition,
    action: row.action,
    config: parseJsonObject(row.config),
    enabled: row.enabled,
    position: row.position,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What the audit log keeps about a filter (nothing in a filter is secret). */
export const filterAuditView = (f: FilterView) => ({
  name: f.name,
  condition: f.condition,
  action: f.action,
  config: f.config,
  enabled: f.enabled,
});

/** Like schema.parse, but keeps the FQL error position that the generic zod mapping drops. */
export function parseFilterBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: FilterFieldError[] = result.error.issues.map((issue) => {
    const fql = (issue as { params?: { fql?: FqlError } }).params?.fql;
    const field: FilterFieldError = { path: issue.path.join("."), message: issue.message };
    return fql
      ? { ...field, position: fql.position, line: fql.line, column: fql.column, length: fql.length }
      : field;
  });
  const first = fields[0]!;
  throw new AppError("bad_request", `${first.path ? `${first.path}: ` : ""}${first.message}`, fields);
}

const ordered = { orderBy: [{ position: "asc" as const }, { createdAt: "asc" as const }] };

export async function listFilters(destinationId: string) {
  const rows = await db.filter.findMany({ where: { destinationId }, ...ordered });
  return rows.map(toFilterView);
}

/** A filter of this destination, or 404 (also for another destination's filter). */
export async function getFilter(destinationId: string, filterId: string) {
  const row = await db.filter.findFirst({ where: { id: filterId, destinationId } });
  if (!row) throw notFound("Filter not found");
  return toFilterView(row);
}

/** 409 when another filter of the destination has this name (case-insensitive): filters are picked by name. */
function requireUniqueFilterName(destinationId: string, name: string, exceptId?: string) {
  return requireUniqueName(
    "filter",
    name,
    () => db.filter.findMany({ where: { destinationId }, select: { id: true, name: true } }),
    { exceptId, where: "on this destination" },
  );
}

export async function createFilter(destinationId: string, input: FilterInput) {
  await requireUniqueFilterName(destinationId, input.name);
  const row = await db.$transaction(async (tx) => {
    const last = await tx.filter.aggregate({ where: { destinationId }, _max: { position: true } });
    return tx.filter.create({
      data: {
        destinationId,
        name: input.name,
        condition: input.condition,
        action: input.action,
        config: JSON.stringify(input.config),
        enabled: input.enabled,
        position: (last._max.position ?? -1) + 1,
      },
    });
  });
  return toFilterView(row);
}

/** A config sent alone is checked against the stored action; an action sent alone against the stored config. */
function nextConfig(current: FilterView, update: FilterUpdate): Record<string, unknown> | undefined {
  if (update.action !== undefined && update.config !== undefined) return update.config;
  if (update.action === undefined && update.config === undefined) return undefined;
  const action = update.action ?? current.action;
  const schema = filterConfigFor[action as keyof typeof filterConfigFor];
  if (!schema)
    throw new AppError("bad_request", "Choose an action for this filter", [
      { path: "action", message: "Choose an action" },
    ]);
  const checked = schema.safeParse(update.config ?? current.config);
  if (checked.success) return checked.data as Record<string, unknown>;
  const fields = checked.error.issues.map((i) => ({
    path: ["config", ...i.path].join("."),
    message: i.message,
  }));
  throw new AppError("bad_request", `${fields[0]!.path}: ${fields[0]!.message}`, fields);
}

export async function updateFilter(current: FilterView, update: FilterUpdate) {
  if (update.name !== undefined)
    await requireUniqueFilterName(current.destinationId, update.name, current.id);
  const config = nextConfig(current, update);
  const row = await db.filter.update({
    where: { id: current.id },
    data: {
      name: update.name,
      condition: update.condition,
      action: update.action,
      enabled: update.enabled,
      ...(config !== undefined ? { config: JSON.stringify(config) } : {}),
    },
  });
  return toFilterView(row);
}

export async function deleteFilter(filter: FilterView) {
  await db.$transaction(async (tx) => {
    await tx.filter.delete({ where: { id: filter.id } });
    const rest = await tx.filter.findMany({ where: { destinationId: filter.destinationId }, ...ordered });
    for (const [i, f] of rest.entries())
      if (f.position !== i) await tx.filter.update({ where: { id: f.id }, data: { position: i } });
  });
}

export async function reorderFilters(destinationId: string, ids: string[]) {
  const rows = await db.$transaction(async (tx) => {
    const current = await tx.filter.findMany({ where: { destinationId }, select: { id: true } });
    const known = new Set(current.map((f) => f.id));
    if (ids.length !== known.size || ids.some((id) => !known.has(id))) {
      const message = "List every filter of this destination exactly once (the list may be out of date)";
      throw new AppError("bad_request", message, [{ path: "ids", message }]);
    }
    for (const [i, id] of ids.entries()) await tx.filter.update({ where: { id }, data: { position: i } });
    return tx.filter.findMany({ where: { destinationId }, ...ordered });
  });
  return rows.map(toFilterView);
}
