import { randomUUID } from "node:crypto";
import { MAX_NESTING_DEPTH } from "@/lib/ingest/limits";
import { nestingDepth, truncateDepth } from "@/lib/ingest/shape";
import type { ArchivedMessage } from "@/lib/ingest/store";
import { isPlainObject, type MessageType } from "@/lib/ingest/validate";

// What the server adds to a message before archiving it, the way Segment documents it:
// messageId when absent, receivedAt, originalTimestamp + skew-corrected timestamp, context.ip,
// batch-level context/integrations. Mutates the parsed message in place: it belongs to us.

export interface RequestContext {
  workspaceId: string;
  sourceId: string;
  /** Epoch ms and its ISO form, computed once per request. */
  receivedAt: number;
  receivedAtIso: string;
  ip: string;
  /** Set for single-message endpoints; batch items carry their own type. */
  endpointType: MessageType | null;
  batchSentAt?: string;
  batchContext?: Record<string, unknown>;
  batchIntegrations?: Record<string, unknown>;
  /** The JSON text had \u escapes, so strings must be checked (see lib/ingest/shape.ts); default true. */
  escapes?: boolean;
}

const MAX_DATE_MS = 8.64e15;

// Every message of a batch usually carries the same sentAt: parse it once.
let lastSentAt = "";
let lastSentAtMs = Number.NaN;
function parseSentAt(sentAt: string): number {
  if (sentAt !== lastSentAt) {
    lastSentAt = sentAt;
    lastSentAtMs = Date.parse(sentAt);
  }
  return lastSentAtMs;
}

/**
 * timestamp = receivedAt - (sentAt - originalTimestamp): the client clock's offset cancels out,
 * leaving the client's event time on the server's clock.
 */
export function correctedTimestamp(receivedAt: number, sentAt: string, original: string): string | null {
  const corrected = receivedAt - (parseSentAt(sentAt) - Date.parse(original));
  return Number.isFinite(corrected) && Math.abs(corrected) <= MAX_DATE_MS
    ? new Date(corrected).toISOString()
    : null;
}

const idColumn = (v: unknown): string | null =>
  typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : null;

// One object literal with every field, so all rows share a single hidden class.
function toRow(
  msg: Record<string, unknown>,
  ctx: RequestContext,
  status: ArchivedMessage["status"],
  reason: string | null,
  dedup: boolean,
): ArchivedMessage {
  const raw = msg.type;
  const type = typeof raw === "string" ? (raw.length > 100 ? raw.slice(0, 100) : raw) : null;
  return {
    workspaceId: ctx.workspaceId,
    sourceId: ctx.sourceId,
    messageId: typeof msg.messageId === "string" && msg.messageId.length <= 100 ? msg.messageId : null,
    type,
    event: type === "track" && typeof msg.event === "string" ? msg.event : null,
    userId: idColumn(msg.userId),
    anonymousId: idColumn(msg.anonymousId),
    status,
    reason,
    receivedAt: ctx.receivedAt,
    payload: JSON.stringify(msg),
    dedup,
  };
}

/** Enriches a validated message; returns the archive row (payload serialised once). */
export function enrichAccepted(msg: Record<string, unknown>, ctx: RequestContext): ArchivedMessage {
  if (ctx.endpointType !== null) msg.type = ctx.endpointType;
  if (msg.writeKey !== undefined) delete msg.writeKey;
  if (ctx.batchContext) {
    msg.context = msg.context ? { ...ctx.batchContext, ...(msg.context as object) } : { ...ctx.batchContext };
  }
  if (ctx.batchIntegrations) {
    msg.integrations = msg.integrations
      ? { ...ctx.batchIntegrations, ...(msg.integrations as object) }
      : ctx.batchIntegrations;
  }
  let generatedId = false;
  if (msg.messageId === undefined || msg.messageId === null) {
    msg.messageId = randomUUID();
    generatedId = true;
  }
  if ((msg.sentAt === undefined || msg.sentAt === null) && ctx.batchSentAt) msg.sentAt = ctx.batchSentAt;

  const clientTimestamp = typeof msg.timestamp === "string" ? msg.timestamp : null;
  if (clientTimestamp !== null) {
    msg.originalTimestamp = clientTimestamp;
    const corrected =
      typeof msg.sentAt === "string" ? correctedTimestamp(ctx.receivedAt, msg.sentAt, clientTimestamp) : null;
    msg.timestamp = corrected ?? clientTimestamp;
  } else {
    msg.timestamp = ctx.receivedAtIso;
  }
  msg.receivedAt = ctx.receivedAtIso;

  const context = msg.context as Record<string, unknown> | undefined | null;
  if (!context) msg.context = { ip: ctx.ip };
  else if (context.ip === undefined || context.ip === null) context.ip = ctx.ip;

  return toRow(msg, ctx, "accepted", null, !generatedId);
}

/**
 * A rejected message is archived nearly as sent (only writeKey removed, receivedAt added) so
 * the debugger shows exactly what was wrong with it. Non-objects are wrapped as {raw: value}.
 */
export function archiveRejected(
  item: unknown,
  ctx: RequestContext,
  reason: string,
): { row: ArchivedMessage; message: Record<string, unknown> } {
  let message: Record<string, unknown>;
  // Too deep to serialise safely: keep what fits (the reason says the rest was removed).
  if (nestingDepth(item) > MAX_NESTING_DEPTH) item = truncateDepth(item);
  if (isPlainObject(item)) {
    message = item;
    if (ctx.endpointType !== null) message.type = ctx.endpointType;
    if (message.writeKey !== undefined) delete message.writeKey;
    message.receivedAt = ctx.receivedAtIso;
  } else {
    message = { raw: item === undefined ? null : item, receivedAt: ctx.receivedAtIso };
  }
  return { row: toRow(message, ctx, "rejected", reason, false), message };
}
