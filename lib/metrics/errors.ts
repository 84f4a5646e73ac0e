import type Database from "better-sqlite3";
import { sqlite } from "@/lib/db/sqlite";
import { ERROR_TYPES, type ErrorType } from "@/lib/delivery/errors";
import { type Window, windowView } from "@/lib/metrics/period";
import { ensureCompacted } from "@/lib/metrics/scheduler";
import type { ErrorRowView, ErrorsView, SampleView } from "@/lib/metrics/types";
import { watermark } from "@/lib/metrics/watermark";

// The Error details panel: not-delivered messages of a period per error type, and the stored
// samples of one type. Counts come from DeliveryErrorRollup for minutes before the "errors"
// watermark and from DeliveryOutcome after it; both are keyed by the minute the outcome was
// recorded, as the rollups behind Key metrics are, so the table adds up to "Not delivered".

interface Opts {
  db?: Database.Database;
  now?: number;
}

interface Part {
  errorType: string;
  httpStatus: number;
  count: number;
  lastAt: number;
}

const SAMPLES = 5;

export function describeError(errorType: string) {
  const known = ERROR_TYPES[errorType as ErrorType] as
    | { retry: boolean; title: string; description: string }
    | undefined;
  return {
    title: known?.title ?? errorType.replaceAll("_", " "),
    description: known?.description ?? "The delivery failed for a reason this version does not describe.",
    retryable: known?.retry ?? false,
  };
}

export function errorSummary(destinationId: string, w: Window, opts: Opts = {}): ErrorsView {
  const db = opts.db ?? sqlite();
  ensureCompacted(db, opts.now ?? Date.now());
  const through = Math.min(Math.max(watermark(db, "errors") ?? w.from, w.from), w.to);
  const parts: Part[] = [];
  if (through > w.from)
    parts.push(
      ...(db
        .prepare(
          `SELECT "errorType", "httpStatus", SUM("count") AS "count", MAX("lastAt") AS "lastAt" FROM "DeliveryErrorRollup"
           WHERE "destinationId" = ? AND "minute" >= ? AND "minute" < ? GROUP BY 1, 2`,
        )
        .all(destinationId, w.from, through) as Part[]),
    );
  if (through < w.to)
    parts.push(
      ...(db
        .prepare(
          `SELECT COALESCE("errorType", 'unknown') AS "errorType", COALESCE("httpStatus", 0) AS "httpStatus",
             COUNT(*) AS "count", MAX("finishedAt") AS "lastAt" FROM "DeliveryOutcome"
           WHERE "destinationId" = ? AND "finishedAt" >= ? AND "finishedAt" < ? AND "status" = 'not_delivered'
           GROUP BY 1, 2`,
        )
        .all(destinationId, through, w.to) as Part[]),
    );
  const byType = new Map<string, { count: number; lastAt: number; statuses: Map<number, number> }>();
  for (const p of parts) {
    const row = byType.get(p.errorType) ?? { count: 0, lastAt: 0, statuses: new Map() };
    row.count += p.count;
    row.lastAt = Math.max(row.lastAt, p.lastAt);
    if (p.httpStatus) row.statuses.set(p.httpStatus, (row.statuses.get(p.httpStatus) ?? 0) + p.count);
    byType.set(p.errorType, row);
  }
  const errors: ErrorRowView[] = [...byType]
    .map(([errorType, r]) => ({
      errorType,
      ...describeError(errorType),
      count: r.count,
      lastSeenAt: r.lastAt,
      httpStatuses: [...r.statuses].sort((a, b) => b[1] - a[1]).map(([s]) => s),
    }))
    .sort((a, b) => b.count - a.count || b.lastSeenAt - a.lastSeenAt);
  return { window: windowView(w), total: errors.reduce((n, e) => n + e.count, 0), errors };
}

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The kept samples of one error type, newest first; those inside the period come first. */
export function errorSamples(
  destinationId: string,
  errorType: string,
  w: Window,
  opts: Opts = {},
): { samples: SampleView[] } {
  const db = opts.db ?? sqlite();
  const rows = db
    .prepare(
      `SELECT "id", "messageId", "at", "httpStatus", "errorMessage", "youSent", "request", "response"
       FROM "DeliverySample" WHERE "destinationId" = ? AND "errorType" = ? ORDER BY "id" DESC LIMIT ?`,
    )
    .all(destinationId, errorType, SAMPLES * 4) as {
    id: number;
    messageId: string;
    at: number;
    httpStatus: number | null;
    errorMessage: string;
    youSent: string;
    request: string | null;
    response: string | null;
  }[];
  const samples = rows
    .map((r) => ({
      id: r.id,
      messageId: r.messageId,
      at: r.at,
      inPeriod: r.at >= w.from && r.at < w.to,
      httpStatus: r.httpStatus,
      errorMessage: r.errorMessage,
      youSent: parse(r.youSent),
      request: parse(r.request),
      response: parse(r.response),
    }))
    .sort((a, b) => Number(b.inPeriod) - Number(a.inPeriod) || b.at - a.at)
    .slice(0, SAMPLES);
  return { samples };
}
