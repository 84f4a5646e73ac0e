import type Database from "better-sqlite3";
import { andThen, type Maybe } from "@/lib/db/off-loop";
import { sqlite } from "@/lib/db/sqlite";
import { all, perform, type Work } from "@/lib/db/work";
import { ERROR_TYPES, type ErrorType } from "@/lib/delivery/errors";
import type { SampleInput } from "@/lib/delivery/recorder";
import { rawEnd, type Window, windowView } from "@/lib/metrics/period";
import { compactedEnough } from "@/lib/metrics/scheduler";
import type { ErrorRowView, ErrorsView, SampleSummary, SampleView } from "@/lib/metrics/types";
import { watermarkOf } from "@/lib/metrics/watermark";

// The Error details panel: not-delivered messages and retried failed attempts of a period per
// error type and status, and the stored samples of one type. Counts come from DeliveryErrorRollup for minutes before the "errors"
// watermark and from DeliveryOutcome after it; both are keyed by the minute the outcome was
// recorded, as the rollups behind Key metrics are, so the table adds up to "Not delivered".
// The reads are database work (lib/db/work.ts): off the event loop on PostgreSQL.

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

/** Failed attempts that will be retried, per error type and status, recorded in the window. */
function retryParts(destinationId: string, w: Window) {
  return all<{ errorType: string; httpStatus: number; attempts: number; messages: number; lastAt: number }>(
    `SELECT "errorType", "httpStatus", SUM("attempts") AS "attempts", SUM("messages") AS "messages",
       MAX("lastAt") AS "lastAt" FROM "DeliveryRetryRollup"
     WHERE "destinationId" = ? AND "minute" >= ? AND "minute" < ? GROUP BY 1, 2`,
    [destinationId, w.from, w.to],
  );
}

/** Messages in the queue now whose last attempt failed, per error type and status. */
function* waitingNow(destinationId: string): Work<Map<string, number>> {
  const rows = yield* all<{ errorType: string | null; httpStatus: number; n: number }>(
    `SELECT "lastErrorType" AS "errorType", COALESCE("lastStatus", 0) AS "httpStatus", COUNT(*) AS "n" FROM (
       SELECT "lastErrorType", "lastStatus" FROM "DeliveryJob" WHERE "destinationId" = ? AND "attempts" > 0 LIMIT 100000
     ) AS "x" GROUP BY 1, 2`,
    [destinationId],
  );
  return new Map(rows.map((r) => [`${r.errorType ?? "unknown"}:${r.httpStatus}`, r.n]));
}

/** Up to three recent samples per error type and status (newest first), for the table's rows. */
function* recentSamples(destinationId: string) {
  const rows = yield* all<{
    id: number;
    errorType: string;
    messageId: string;
    at: number;
    httpStatus: number | null;
    errorMessage: string;
  }>(
    `SELECT "id", "errorType", "messageId", "at", "httpStatus", "errorMessage" FROM "DeliverySample"
     WHERE "destinationId" = ? ORDER BY "id" DESC LIMIT 200`,
    [destinationId],
  );
  const by = new Map<string, SampleSummary[]>();
  for (const r of rows) {
    const key = `${r.errorType}:${r.httpStatus ?? 0}`;
    const list = by.get(key) ?? [];
    if (list.length < ROW_SAMPLES)
      list.push({ id: r.id, messageId: r.messageId, at: r.at, errorMessage: r.errorMessage });
    by.set(key, list);
  }
  return by;
}

const ROW_SAMPLES = 3;

/**
 * The Error details table: one row per error type, HTTP status and state — "final" rows are the
 * period's not-delivered messages (they add up to Not delivered), "retrying" rows the failed
 * attempts of the period that were scheduled for another try (attempts, and messages counted once
 * at their first failure), each with when it was last seen and its three newest samples.
 */
export function errorSummary(destinationId: string, w: Window, opts: Opts = {}): Maybe<ErrorsView> {
  const db = opts.db ?? sqlite();
  return perform(db, errorSummaryWork(db, destinationId, w, opts.now ?? Date.now()));
}

function* errorSummaryWork(
  db: Database.Database,
  destinationId: string,
  w: Window,
  now: number,
): Work<ErrorsView> {
  yield* compactedEnough(db, now);
  const end = rawEnd(w);
  const through = Math.min(Math.max((yield* watermarkOf("errors")) ?? w.from, w.from), end);
  const parts: Part[] = [];
  if (through > w.from)
    parts.push(
      ...(yield* all<Part>(
        `SELECT "errorType", "httpStatus", SUM("count") AS "count", MAX("lastAt") AS "lastAt" FROM "DeliveryErrorRollup"
         WHERE "destinationId" = ? AND "minute" >= ? AND "minute" < ? GROUP BY 1, 2`,
        [destinationId, w.from, through],
      )),
    );
  if (through < end)
    parts.push(
      ...(yield* all<Part>(
        `SELECT COALESCE("errorType", 'unknown') AS "errorType", COALESCE("httpStatus", 0) AS "httpStatus",
           COUNT(*) AS "count", MAX("finishedAt") AS "lastAt" FROM "DeliveryOutcome"
         WHERE "destinationId" = ? AND "finishedAt" >= ? AND "finishedAt" < ? AND "status" = 'not_delivered'
         GROUP BY 1, 2`,
        [destinationId, through, end],
      )),
    );
  const finals = new Map<string, Part>();
  for (const p of parts) {
    const key = `${p.errorType}:${p.httpStatus}`;
    const row = finals.get(key);
    if (row) {
      row.count += p.count;
      row.lastAt = Math.max(row.lastAt, p.lastAt);
    } else finals.set(key, { ...p });
  }
  const samples = yield* recentSamples(destinationId);
  const waiting = yield* waitingNow(destinationId);
  const view = (
    state: "final" | "retrying",
    p: { errorType: string; httpStatus: number; lastAt: number },
    attempts: number,
    messages: number,
  ): ErrorRowView => {
    const key = `${p.errorType}:${p.httpStatus}`;
    return {
      key: `${state}:${key}`,
      state,
      errorType: p.errorType,
      ...describeError(p.errorType),
      httpStatus: p.httpStatus || null,
      httpStatuses: p.httpStatus ? [p.httpStatus] : [],
      count: messages,
      messages,
      attempts,
      waitingNow: state === "retrying" ? (waiting.get(key) ?? 0) : 0,
      lastSeenAt: p.lastAt,
      samples: samples.get(key) ?? [],
    };
  };
  const finalRows = [...finals.values()].map((p) => view("final", p, p.count, p.count));
  const retryRows = (yield* retryParts(destinationId, w)).map((p) =>
    view("retrying", p, p.attempts, p.messages),
  );
  const errors = [...finalRows, ...retryRows].sort(
    (a, b) => b.attempts - a.attempts || b.lastSeenAt - a.lastSeenAt,
  );
  return {
    window: windowView(w),
    total: finalRows.reduce((n, e) => n + e.count, 0),
    retryingAttempts: retryRows.reduce((n, e) => n + e.attempts, 0),
    errors,
  };
}

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A stored sample as the recorder wrote it. */
type SampleRow = { id: number } & Pick<
  SampleInput,
  "messageId" | "at" | "httpStatus" | "errorMessage" | "youSent" | "request" | "response"
>;

/** The kept samples of one error type, newest first; those inside the period come first. */
export function errorSamples(
  destinationId: string,
  errorType: string,
  w: Window,
  opts: Opts = {},
): Maybe<{ samples: SampleView[] }> {
  const rows = all<SampleRow>(
    `SELECT "id", "messageId", "at", "httpStatus", "errorMessage", "youSent", "request", "response"
     FROM "DeliverySample" WHERE "destinationId" = ? AND "errorType" = ? ORDER BY "id" DESC LIMIT ?`,
    [destinationId, errorType, SAMPLES * 4],
  );
  return andThen(perform(opts.db ?? sqlite(), rows), (rows) => ({ samples: newestSamples(rows, w) }));
}

function newestSamples(rows: SampleRow[], w: Window): SampleView[] {
  return rows
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
}
