import { randomUUID } from "node:crypto";
import { MAX_NESTING_DEPTH } from "@/lib/ingest/limits";
import { nestingDepth, truncateDepth } from "@/lib/ingest/shape";
import type { ArchivedMessage } from "@/lib/ingest/store";
import { normalizedTimestamp, parseTimestamp } from "@/lib/ingest/timestamps";
import { isPlainObject, type MessageType } from "@/lib/ingest/validate";

// What the server adds to a message before archiving it, the way Segment documents it:
// messageId when absent, receivedAt, originalTimestamp + skew-corrected timestamp, context.ip
// (client-side libraries and context.direct only), batch-level context/integrations (merged
// deeply, the message's own values winning). Mutates the parsed message in place: it belongs to us.

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
  /** The request came straight from the user's device whatever the library (pixels). */
  direct?: boolean;
}

const MAX_DATE_MS = 8.64e15;

// Every message of a batch usually carries the same sentAt: parse it once.
let lastSentAt = "";
let lastSentAtMs = Number.NaN;
function parseSentAt(sentAt: string): number {
  if (sentAt !== lastSentAt) {
    lastSentAt = sentAt;
    lastSentAtMs = parseTimestamp(sentAt) ?? Number.NaN;
  }
  return lastSentAtMs;
}

/**
 * timestamp = receivedAt - (sentAt - originalTimestamp): the client clock's offset cancels out,
 * leaving the client's event time on the server's clock.
 */
export function correctedTimestamp(receivedAt: number, sentAt: string, original: string): string | null {
  const corrected = receivedAt - (parseSentAt(sentAt) - (parseTimestamp(original) ?? Number.NaN));
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

/**
 * Enriches a validated message; returns the archive row (payload serialised once). `finish` sees
 * the enriched message just before it is serialised (privacy removes blocked fields there).
 */
export function enrichAccepted(
  msg: Record<string, unknown>,
  ctx: RequestContext,
  finish?: (msg: Record<string, unknown>) => void,
): ArchivedMessage {
  if (ctx.endpointType !== null) msg.type = ctx.endpointType;
  if (msg.writeKey !== undefined) delete msg.writeKey;
  if (ctx.batchContext) {
    msg.context = isPlainObject(msg.context)
      ? deepMerge(ctx.batchContext, msg.context)
      : { ...ctx.batchContext };
  }
  if (ctx.batchIntegrations) {
    msg.integrations = isPlainObject(msg.integrations)
      ? deepMerge(ctx.batchIntegrations, msg.integrations)
      : ctx.batchIntegrations;
  }
  let generatedId = false;
  if (msg.messageId === undefined || msg.messageId === null) {
    msg.messageId = randomUUID();
    generatedId = true;
  }
  if ((msg.sentAt === undefined || msg.sentAt === null) && ctx.batchSentAt) msg.sentAt = ctx.batchSentAt;
  setTimestamps(msg, ctx);
  msg.receivedAt = ctx.receivedAtIso;
  setIp(msg, ctx);
  finish?.(msg);
  return toRow(msg, ctx, "accepted", null, !generatedId);
}

/**
 * Segment's rule: originalTimestamp is the client's clock when the call was made, i.e. a sent
 * originalTimestamp (RudderStack's SDK sends only that), else the sent timestamp (Segment's
 * libraries, or one set by hand). With sentAt, timestamp = receivedAt - (sentAt -
 * originalTimestamp), which cancels the client clock's error; without it, the client's own time
 * is kept (a historical import); with neither, timestamp = receivedAt. Values are validated
 * before this runs; timestamp is stored normalised (2015-2-02 becomes 2015-02-02T00:00:00.000Z),
 * originalTimestamp and sentAt as sent.
 */
function setTimestamps(msg: Record<string, unknown>, ctx: RequestContext): void {
  const sentTimestamp = typeof msg.timestamp === "string" ? msg.timestamp : null;
  const sentOriginal = typeof msg.originalTimestamp === "string" ? msg.originalTimestamp : null;
  const original = sentOriginal ?? sentTimestamp;
  if (original === null) {
    msg.timestamp = ctx.receivedAtIso;
    return;
  }
  msg.originalTimestamp = original;
  const corrected =
    typeof msg.sentAt === "string" ? correctedTimestamp(ctx.receivedAt, msg.sentAt, original) : null;
  msg.timestamp = corrected ?? normalizedTimestamp(sentTimestamp ?? original) ?? ctx.receivedAtIso;
}

// Segment's client-side libraries, by context.library.name: browser and mobile SDKs.
const CLIENT_LIBRARY =
  /^(analytics\.js|analytics-next|analytics-ios|analytics-android|analytics-swift|analytics-kotlin|analytics-react-native|@segment\/analytics-react-native|analytics[-_]flutter)$/i;

/**
 * context.ip is the user's address, so only messages that come from the user's device get one:
 * those of client-side libraries, those with context.direct: true (Segment's switch for HTTP
 * API calls made from a device) and pixels. A server-side library's events would otherwise carry
 * the server's own address as the user's. A sent context.ip is never replaced.
 */
function setIp(msg: Record<string, unknown>, ctx: RequestContext): void {
  const context = isPlainObject(msg.context) ? msg.context : null;
  if (context && context.ip !== undefined && context.ip !== null) return;
  const library = isPlainObject(context?.library) ? context.library.name : undefined;
  const direct =
    ctx.direct === true ||
    context?.direct === true ||
    (typeof library === "string" && CLIENT_LIBRARY.test(library));
  if (!direct) return;
  if (context) context.ip = ctx.ip;
  else msg.context = { ip: ctx.ip };
}

/** A copy of `base` with `over` merged in, objects deeply, `over`'s values winning. Iterative. */
export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const root = { ...base };
  const pending: [Record<string, unknown>, Record<string, unknown>][] = [[root, over]];
  while (pending.length > 0) {
    const [target, source] = pending.pop()!;
    for (const key of Object.keys(source)) {
      const from = source[key];
      const into = target[key];
      let value: unknown = from;
      if (isPlainObject(from) && isPlainObject(into) && Object.hasOwn(target, key)) {
        value = { ...into };
        pending.push([value as Record<string, unknown>, from]);
      }
      // defineProperty: a "__proto__" key from JSON must stay a key, not become the prototype.
      Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
    }
  }
  return root;
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
  // Too deep to serialise safely: keep what fits (the reason says the rest was removed). A value
  // that is not an object gets wrapped in {raw} below, one level more.
  const limit = isPlainObject(item) ? MAX_NESTING_DEPTH : MAX_NESTING_DEPTH - 1;
  if (nestingDepth(item) > limit) item = truncateDepth(item, limit);
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
