import type Database from "better-sqlite3";
import type { Maybe } from "@/lib/db/off-loop";
import { all, get, perform, type Work } from "@/lib/db/work";
import { controlOf } from "@/lib/delivery/control";
import { ERROR_TYPES, type ErrorType } from "@/lib/delivery/errors";
import { REMOVALS_OF_MESSAGE } from "@/lib/privacy/sql";

// The Source Debugger's per-event delivery panel: for one archived message, what became of it at
// every destination connected to its source — delivered (status, latency), filtered (by which
// step), unsupported, retrying (attempts, last error, next attempt), not delivered (reason),
// waiting in the queue, or not routed yet. Reads the outcome and queue rows by their primary
// keys, so it is cheap whatever the traffic; on PostgreSQL off the event loop (lib/db/work.ts).

export type EventDeliveryState =
  | "delivered"
  | "filtered"
  | "unsupported"
  | "retrying"
  | "not_delivered"
  | "queued"
  | "not_routed";

export interface EventDeliveryRow {
  destinationId: string;
  name: string;
  type: string;
  enabled: boolean;
  paused: boolean;
  state: EventDeliveryState;
  /** The step or error that decided it (e.g. "destination_filter", "server_error"). */
  errorType: string | null;
  /** Its human title (from lib/delivery/errors.ts). */
  title: string | null;
  detail: string | null;
  httpStatus: number | null;
  latencyMs: number | null;
  attempts: number;
  at: number | null;
  nextAttemptAt: number | null;
  replayed: boolean;
  /** Field paths the privacy step removed for this destination (docs/privacy.md). */
  privacyRemoved: string[];
}

export interface EventDeliveryView {
  seq: number;
  messageId: string | null;
  status: string;
  receivedAt: number;
  destinations: EventDeliveryRow[];
}

const title = (t: string | null) =>
  t ? (ERROR_TYPES[t as ErrorType]?.title ?? t.replaceAll("_", " ")) : null;

interface OutcomeRow {
  status: string;
  attempts: number;
  finishedAt: number;
  latencyMs: number | null;
  httpStatus: number | null;
  errorType: string | null;
  errorMessage: string | null;
  replayId: number | null;
}

interface JobRow {
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastErrorType: string | null;
  lastError: string | null;
  replayId: number | null;
}

export function eventDelivery(
  db: Database.Database,
  where: { workspaceId: string; sourceId: string; seq: number },
): Maybe<EventDeliveryView | null> {
  return perform(db, eventDeliveryWork(where));
}

function* eventDeliveryWork(where: {
  workspaceId: string;
  sourceId: string;
  seq: number;
}): Work<EventDeliveryView | null> {
  const message = yield* get<{ seq: number; messageId: string | null; status: string; receivedAt: number }>(
    `SELECT "seq", "messageId", "status", "receivedAt" FROM "Message" WHERE "seq" = ? AND "sourceId" = ? AND "workspaceId" = ?`,
    [where.seq, where.sourceId, where.workspaceId],
  );
  if (!message) return null;
  const destinations = yield* all<{ id: string; name: string; type: string; enabled: number }>(
    `SELECT d."id", d."name", d."type", d."enabled" FROM "DestinationSource" ds JOIN "Destination" d ON d."id" = ds."destinationId"
     WHERE ds."sourceId" = ? ORDER BY d."name"`,
    [where.sourceId],
  );
  const removed = new Map(
    (yield* all<{ destinationId: string; fields: string }>(REMOVALS_OF_MESSAGE, [
      message.seq,
      where.workspaceId,
    ])).map((r) => [r.destinationId, JSON.parse(r.fields) as string[]]),
  );
  const rows: EventDeliveryRow[] = [];
  for (const d of destinations) {
    const paused = (yield* controlOf(d.id)).paused;
    const o = yield* get<OutcomeRow>(
      `SELECT "status", "attempts", "finishedAt", "latencyMs", "httpStatus", "errorType", "errorMessage", "replayId"
       FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "seq" = ?`,
      [d.id, message.seq],
    );
    const j = yield* get<JobRow>(
      `SELECT "attempts", "nextAttemptAt", "lastStatus", "lastErrorType", "lastError", "replayId" FROM "DeliveryJob"
       WHERE "destinationId" = ? AND "seq" = ?`,
      [d.id, message.seq],
    );
    rows.push(rowOf(message, d, paused, removed.get(d.id) ?? [], o, j));
  }
  return {
    seq: message.seq,
    messageId: message.messageId,
    status: message.status,
    receivedAt: Number(message.receivedAt),
    destinations: rows,
  };
}

function rowOf(
  message: { status: string },
  d: { id: string; name: string; type: string; enabled: number },
  paused: boolean,
  privacyRemoved: string[],
  o: OutcomeRow | undefined,
  j: JobRow | undefined,
): EventDeliveryRow {
  const base = {
    destinationId: d.id,
    name: d.name,
    type: d.type,
    enabled: Boolean(d.enabled),
    paused,
    privacyRemoved,
  };
  if (j && (!o || o.status === "retrying" || j.replayId !== null)) {
    const retrying = j.attempts > 0;
    return {
      ...base,
      state: retrying ? "retrying" : "queued",
      errorType: j.lastErrorType,
      title: title(j.lastErrorType),
      detail: retrying ? j.lastError : base.paused ? "Delivery to this destination is paused" : null,
      httpStatus: j.lastStatus,
      latencyMs: null,
      attempts: j.attempts,
      at: o ? Number(o.finishedAt) : null,
      nextAttemptAt: Number(j.nextAttemptAt),
      replayed: j.replayId !== null,
    };
  }
  if (o)
    return {
      ...base,
      state: o.status as EventDeliveryState,
      errorType: o.status === "delivered" ? null : o.errorType,
      title: o.status === "delivered" ? null : title(o.errorType),
      detail: o.status === "delivered" ? null : o.errorMessage,
      httpStatus: o.httpStatus,
      latencyMs: o.latencyMs,
      attempts: o.attempts,
      at: Number(o.finishedAt),
      nextAttemptAt: null,
      replayed: o.replayId !== null,
    };
  const reason =
    message.status !== "accepted"
      ? "The tracking API rejected this event, so it was not sent to destinations"
      : !d.enabled
        ? "The destination is disabled"
        : "Not routed to this destination (it may have been connected after the event arrived, or routing has not reached it yet)";
  return {
    ...base,
    state: "not_routed",
    errorType: null,
    title: null,
    detail: reason,
    httpStatus: null,
    latencyMs: null,
    attempts: 0,
    at: null,
    nextAttemptAt: null,
    replayed: false,
  };
}
