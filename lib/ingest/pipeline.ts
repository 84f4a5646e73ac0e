import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import { allOf, type Maybe } from "@/lib/db/off-loop";
import type { ParsedBody } from "@/lib/ingest/body";
import type { RequestContext } from "@/lib/ingest/enrich";
import type { GroupCommitter } from "@/lib/ingest/group-commit";
import { MAX_BATCH_MESSAGES } from "@/lib/ingest/limits";
import { type PreparedRequest, prepareMessages, type Rejection } from "@/lib/ingest/prepare";
import { type RateLimiter, rateLimitHeaders } from "@/lib/ingest/rate-limit";
import { IngestError, internalError, writeKeyUnreadable } from "@/lib/ingest/responses";
import { inspectValue } from "@/lib/ingest/shape";
import { recordIngest, recordRateLimited } from "@/lib/ingest/stats";
import type { AppendResult } from "@/lib/ingest/store";
import { isIsoTimestamp, isPlainObject, type MessageType } from "@/lib/ingest/validate";
import { type SourceRef, type WriteKeyResolver, writeKeyFromAuthorization } from "@/lib/ingest/writekeys";
import type { IngestPrivacy, MessagePrivacy } from "@/lib/privacy/ingest";
import type { SourceProtocols } from "@/lib/protocols/enforcement";
import { applyProtocols, type ProtocolsStage } from "@/lib/protocols/ingest";
import type { Tap, TapEvent } from "@/lib/tap";

// From a parsed body to an answer: write key -> source, batch shape, rate limit, validation
// and enrichment, group commit, then (and only then) the response, counters and the tap.

export interface Outcome {
  single: boolean;
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

export interface Responder {
  ok(res: ServerResponse, outcome: Outcome): void;
  error(res: ServerResponse, err: IngestError): void;
}

export interface PipelineDeps {
  resolver: WriteKeyResolver;
  limiter: RateLimiter;
  committer: GroupCommitter;
  tap: Tap;
  trustProxy: boolean;
  /** Suppression, blocked fields and sampled detection (lib/privacy); absent: none. */
  privacy?: IngestPrivacy;
  /** Source Schema and tracking plans (lib/protocols/ingest.ts); absent: neither. */
  protocols?: ProtocolsStage;
}

const MISSING_KEY =
  'Missing write key: send it as the username of HTTP Basic auth (Authorization: Basic base64("WRITE_KEY:")) or as "writeKey" in the body';

export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers["x-forwarded-for"];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    if (first && isIP(first)) return first;
  }
  const addr = req.socket.remoteAddress ?? "";
  return addr.startsWith("::ffff:") ? addr.slice(7) : addr;
}

function checkSource(source: SourceRef | null): SourceRef {
  if (!source) {
    throw new IngestError(
      401,
      "invalid_write_key",
      "Unknown write key: copy it again from the source's settings",
    );
  }
  if (!source.enabled) {
    throw new IngestError(
      403,
      "source_disabled",
      "This source is disabled; enable it in the console to accept events",
    );
  }
  return source;
}

export class Pipeline {
  constructor(private readonly deps: PipelineDeps) {}

  /**
   * The source for the request's write key. Synchronous on a cache hit; a store that must ask
   * over the network (PostgreSQL) answers a miss with a promise.
   */
  authenticate(req: IncomingMessage, bodyKey: unknown, now: number): SourceRef | Promise<SourceRef> {
    const key =
      writeKeyFromAuthorization(req.headers.authorization) ??
      (typeof bodyKey === "string" && bodyKey !== "" ? bodyKey : null);
    if (key === null) throw new IngestError(401, "missing_write_key", MISSING_KEY);
    const found = this.deps.resolver.resolve(key, now);
    return found instanceof Promise
      ? found.then(checkSource, (err) => {
          throw writeKeyUnreadable(err);
        })
      : checkSource(found);
  }

  /** Never throws: every outcome ends in exactly one call to `respond`. */
  run(
    req: IncomingMessage,
    res: ServerResponse,
    parsed: ParsedBody,
    type: MessageType | null,
    respond: Responder,
  ): void {
    let source: SourceRef | Promise<SourceRef>;
    const fail = (err: unknown) => respond.error(res, err instanceof IngestError ? err : internalError(err));
    try {
      source = this.authenticate(req, parsed.value.writeKey, Date.now());
    } catch (err) {
      fail(err);
      return;
    }
    if (source instanceof Promise) {
      source.then((s) => this.runAs(req, res, s, parsed, type, respond), fail);
      return;
    }
    this.runAs(req, res, source, parsed, type, respond);
  }

  /** The same path for a source already identified (the calls a source function emits). */
  runAs(
    req: IncomingMessage,
    res: ServerResponse,
    source: SourceRef,
    parsed: ParsedBody,
    type: MessageType | null,
    respond: Responder,
  ): void {
    const body = parsed.value;
    try {
      const now = Date.now();
      const ctx: RequestContext = {
        workspaceId: source.workspaceId,
        sourceId: source.id,
        receivedAt: now,
        receivedAtIso: new Date(now).toISOString(),
        ip: clientIp(req, this.deps.trustProxy),
        endpointType: type,
        batchSentAt: undefined,
        batchContext: undefined,
        batchIntegrations: undefined,
        escapes: parsed.escapes,
        direct: parsed.direct === true,
      };
      const items = type === null ? batchItems(body, ctx) : [body];
      const limited = this.deps.limiter.take(source.id, items.length, now);
      if (limited) {
        recordRateLimited(source.id, items.length, now);
        const headers = rateLimitHeaders(limited, this.deps.limiter.perSecond, now);
        const message = `Rate limit of ${this.deps.limiter.perSecond} messages per second for this source exceeded; retry after ${headers["retry-after"]} s`;
        throw new IngestError(429, "rate_limited", message, headers);
      }
      if (items.length === 0) {
        respond.ok(res, { single: false, accepted: 0, duplicates: 0, rejected: [] });
        return;
      }
      // The workspace's privacy settings and the source's Protocols, cached for a second: at once
      // when fresh; on PostgreSQL an expired one is re-read without blocking and the request waits.
      let settings: Maybe<[MessagePrivacy | undefined, SourceProtocols | null]>;
      try {
        settings = allOf([
          this.deps.privacy?.forWorkspace(source.workspaceId, now),
          this.deps.protocols?.resolver?.forSource(source.id, now) ?? null,
        ] as const);
      } catch (err) {
        this.unreadable(res, respond, err);
        return;
      }
      if (settings instanceof Promise)
        settings.then(
          ([privacy, protocols]) => this.store(res, source, items, ctx, privacy, protocols, type, respond),
          (err) => this.unreadable(res, respond, err),
        );
      else this.store(res, source, items, ctx, settings[0], settings[1], type, respond);
    } catch (err) {
      respond.error(res, err instanceof IngestError ? err : internalError(err));
    }
  }

  /** Settings that could not be read: nothing was stored, the client retries (as after a failed commit). */
  private unreadable(res: ServerResponse, respond: Responder, err: unknown): void {
    console.error("[switchyard] source settings could not be read:", err);
    respond.error(
      res,
      new IngestError(503, "unavailable", "Could not read the source's settings; retry later"),
    );
  }

  /** Prepares the request's messages with the settings read and hands them to the group commit. */
  private store(
    res: ServerResponse,
    source: SourceRef,
    items: unknown[],
    ctx: RequestContext,
    privacy: MessagePrivacy | undefined,
    protocols: SourceProtocols | null,
    type: MessageType | null,
    respond: Responder,
  ): void {
    try {
      const now = ctx.receivedAt;
      const prepared = prepareMessages(items, ctx, privacy);
      if (prepared.rows.length === 0) {
        // Every message came from a suppressed user: nothing to store, answered as accepted.
        recordIngest(source.id, { received: items.length, accepted: 0, rejected: 0, duplicates: 0 }, now);
        respond.ok(res, {
          single: type !== null,
          accepted: prepared.suppressed,
          duplicates: 0,
          rejected: [],
        });
        return;
      }
      if (this.deps.protocols) applyProtocols(this.deps.protocols, protocols, source.id, prepared);
      // Kept until the commit only for tap subscribers: otherwise the parsed objects die young
      // instead of being promoted while the group commits (measured: +15-20% on /v1/batch).
      if (!this.deps.tap.hasSubscribers(source.id, source.workspaceId)) prepared.messages = null;
      this.deps.committer.submit(prepared.rows, (err, result, offset) => {
        if (err || !result) {
          console.error("[switchyard] ingest commit failed:", err);
          return respond.error(
            res,
            new IngestError(503, "unavailable", "Could not store the messages; retry later"),
          );
        }
        this.committed(res, source, prepared, result, offset, type !== null, respond);
      });
    } catch (err) {
      respond.error(res, err instanceof IngestError ? err : internalError(err));
    }
  }

  private committed(
    res: ServerResponse,
    source: SourceRef,
    prepared: PreparedRequest,
    result: AppendResult,
    offset: number,
    single: boolean,
    respond: Responder,
  ): void {
    const { rows, rejected } = prepared;
    // Forwarded copies (after the request's own rows) are another source's messages.
    const own = rows.length - (prepared.forwarded ?? 0);
    let duplicates = 0;
    for (let i = 0; i < own; i++) if (result.seqs[offset + i] === null) duplicates++;
    // Suppressed users' messages were not stored: answered as accepted or rejected all the same.
    const storedRejected = rejected.length - prepared.suppressedRejected;
    const accepted = own - storedRejected - duplicates + prepared.suppressed;
    const now = rows[0]!.receivedAt;
    recordIngest(source.id, { received: own, accepted, rejected: storedRejected, duplicates }, now);
    respond.ok(res, { single, accepted, duplicates, rejected });
    if (this.deps.tap.hasSubscribers(source.id, source.workspaceId)) {
      const events: TapEvent[] = [];
      for (let i = 0; i < rows.length; i++) {
        const seq = result.seqs[offset + i];
        if (seq === null || seq === undefined) continue;
        const row = rows[i]!;
        const event: TapEvent = {
          seq,
          sourceId: row.sourceId,
          workspaceId: row.workspaceId,
          status: row.status,
          receivedAt: row.receivedAt,
          // A subscriber that arrived during the commit: rebuild the object from what was stored.
          message: prepared.messages?.[i] ?? (JSON.parse(row.payload) as Record<string, unknown>),
        };
        if (row.reason !== null) event.reason = row.reason;
        if (row.protocol) event.protocol = JSON.parse(row.protocol) as TapEvent["protocol"];
        events.push(event);
      }
      this.deps.tap.publish(events);
    }
  }
}

function batchItems(body: Record<string, unknown>, ctx: RequestContext): unknown[] {
  const batch = body.batch;
  if (!Array.isArray(batch)) {
    throw new IngestError(400, "invalid_batch", '"batch" must be an array of messages');
  }
  if (batch.length > MAX_BATCH_MESSAGES) {
    throw new IngestError(
      400,
      "too_many_messages",
      `Batch has ${batch.length} messages; the limit is ${MAX_BATCH_MESSAGES} messages per batch request`,
    );
  }
  const { context, integrations, sentAt } = body;
  if (context !== undefined && context !== null) {
    if (!isPlainObject(context))
      throw new IngestError(400, "invalid_batch", "batch-level context must be a JSON object");
    ctx.batchContext = checkedBatchObject(context, "context", ctx);
  }
  if (integrations !== undefined && integrations !== null) {
    if (!isPlainObject(integrations)) {
      throw new IngestError(400, "invalid_batch", "batch-level integrations must be a JSON object");
    }
    ctx.batchIntegrations = checkedBatchObject(integrations, "integrations", ctx);
  }
  if (sentAt !== undefined && sentAt !== null) {
    if (!isIsoTimestamp(sentAt))
      throw new IngestError(400, "invalid_batch", "batch-level sentAt must be an ISO-8601 string");
    ctx.batchSentAt = sentAt;
  }
  return batch;
}

/** Merged into every message, one level down (message.context): checked as if it were there. */
function checkedBatchObject(value: Record<string, unknown>, name: string, ctx: RequestContext) {
  const problem = inspectValue(value, { startDepth: 2, strings: ctx.escapes, label: `batch-level ${name}` });
  if (problem) throw new IngestError(400, "invalid_batch", problem);
  return value;
}
