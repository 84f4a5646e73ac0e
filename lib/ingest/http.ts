import type { IncomingMessage, ServerResponse } from "node:http";
import type Database from "better-sqlite3";
import { andThen } from "@/lib/db/off-loop";
import { openArchive, type WriterMode } from "@/lib/ingest/archive";
import { batchLimit, type ParsedBody, parseJsonObject, readBody, singleLimit } from "@/lib/ingest/body";
import { GroupCommitter } from "@/lib/ingest/group-commit";
import { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES } from "@/lib/ingest/limits";
import { type Outcome, Pipeline, type Responder } from "@/lib/ingest/pipeline";
import { decodePixelData, gifResponder, sendGif } from "@/lib/ingest/pixel";
import { RateLimiter } from "@/lib/ingest/rate-limit";
import {
  errorBody,
  IngestError,
  internalError,
  PREFLIGHT_HEADERS,
  sendError,
  sendJson,
  sendOk,
  writeKeyUnreadable,
} from "@/lib/ingest/responses";
import { startRetention } from "@/lib/ingest/retention";
import { SETTINGS_PATH, settingsDocument } from "@/lib/ingest/settings-doc";
import type { ArchiveStore } from "@/lib/ingest/store";
import { isMessageType, type MessageType } from "@/lib/ingest/validate";
import { createWriteKeyResolver, type SourceRef, type WriteKeyResolver } from "@/lib/ingest/writekeys";
import { IngestPrivacy, type IngestPrivacyOptions } from "@/lib/privacy/ingest";
import { createProtocolsResolver } from "@/lib/protocols/resolver";
import { getTap, type Tap } from "@/lib/tap";
import { recordRetentionLoss } from "@/lib/warehouses/store";

// The Segment-compatible tracking API on a bare node:http handler: the custom server sends
// every /v1/* request here before Next sees it (a Next route handler is ~26x slower).

export interface IngestOptions {
  /** better-sqlite3 connection (WAL, synchronous=FULL) on the app database. */
  db: Database.Database;
  /** Where browsers reach this server; the settings document points analytics.js at it. */
  publicUrl: string;
  /** Messages per second per source; 0 turns the limit off. */
  rateLimitPerSecond?: number;
  /** Archive retention (default 7 days). */
  retentionDays?: number;
  /** Take the client IP from X-Forwarded-For (only behind a proxy you control). */
  trustProxy?: boolean;
  /** Extra wait before a group commit; 0 (default) commits once per event-loop turn. */
  commitWindowMs?: number;
  /**
   * Where group commits run: "thread" (default) on a writer thread, keeping inserts and fsyncs
   * off the event loop the console also uses (it fdatasyncs the WAL after each commit);
   * "inline" on the event loop with synchronous=FULL. Either way nothing is answered before the
   * WAL is on disk, and WAL checkpoints run on a background thread, never inside a commit.
   */
  writer?: WriterMode;
  /** How often the writer thread writes the Source Schema's aggregates (ms, default 250; 0: every commit). */
  schemaFlushMs?: number;
  /** Source Schema tracking at ingest (default on; bench:protocols measures its cost). */
  schemaTracking?: boolean;
  /** Tests only: hold every commit back this long, so acknowledging early would be caught. */
  testCommitDelayMs?: number;
  store?: ArchiveStore;
  /** Write key -> source (default: lookups on `db`). */
  resolver?: WriteKeyResolver;
  /** Archive pruning runs only while this says so (one pruner per installation). */
  retentionLease?: () => boolean;
  tap?: Tap;
  /** Source functions' inbound URLs, POST /v1/functions/{token} (lib/functions/source-endpoint.ts). */
  functions?: FunctionEndpoint;
  /** Suppression, blocked fields and sampled PII detection (lib/privacy); false turns all off. */
  privacy?: IngestPrivacyOptions | false;
}

/** Hands a source function's request over; `ingest` runs its emitted calls through the pipeline. */
export interface FunctionEndpoint {
  handle(req: IncomingMessage, res: ServerResponse, token: string, ingest: FunctionIngest): void;
}
export type FunctionIngest = (source: SourceRef, batch: unknown[], respond: Responder) => void;

export interface Ingest {
  /** True for the URLs this handler owns: /v1 and everything below it. */
  matches(url: string | undefined): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Stops taking requests (503), commits what is pending, stops the prune timer. */
  close(): Promise<void>;
  readonly store: ArchiveStore;
  /** Writes the privacy inbox's pending sightings now (tests; otherwise every 2 s and at close). */
  privacyFlush(): void;
}

const SINGLE = new Map<string, MessageType>();
for (const type of ["identify", "track", "page", "screen", "group", "alias"] as const) {
  SINGLE.set(`/v1/${type}`, type);
  SINGLE.set(`/v1/${type[0]}`, type);
}
const BATCH = new Set(["/v1/batch", "/v1/import", "/v1/b"]);
const PIXEL_PREFIX = "/v1/pixel/";
const FUNCTIONS_PREFIX = "/v1/functions/";
const SINGLE_LIMIT = singleLimit(MAX_MESSAGE_BYTES);
const BATCH_LIMIT = batchLimit(MAX_BATCH_BYTES);

const jsonResponder: Responder = {
  ok(res, outcome: Outcome) {
    if (!outcome.single) {
      const { accepted, duplicates, rejected } = outcome;
      return sendJson(res, 200, { success: true, accepted, duplicates, rejected });
    }
    const reason = outcome.rejected[0]?.reason;
    if (reason) return sendJson(res, 400, errorBody("invalid_message", reason));
    if (outcome.duplicates > 0) return sendJson(res, 200, { success: true, duplicate: true });
    sendOk(res);
  },
  error: sendError,
};

function notAllowed(method: string | undefined, path: string, allowed: "GET" | "POST"): IngestError {
  const allow = allowed === "GET" ? "GET, HEAD, OPTIONS" : "POST, OPTIONS";
  const message = `${method} is not allowed on ${path.slice(0, 200)}; use ${allowed}`;
  return new IngestError(405, "method_not_allowed", message, { allow });
}

export function createIngest(options: IngestOptions): Ingest {
  const archive = openArchive(options.db, options);
  const store = archive.store;
  const committer = new GroupCommitter(store, {
    windowMs: options.commitWindowMs ?? 0,
    maxRowsPerCommit: archive.maxRowsPerCommit,
    asyncStore: archive.asyncStore,
    maxInFlight: archive.maxInFlight,
  });
  const resolver = options.resolver ?? createWriteKeyResolver(options.db);
  const privacy = options.privacy === false ? undefined : new IngestPrivacy(options.db, options.privacy);
  const pipeline = new Pipeline({
    privacy,
    resolver,
    limiter: new RateLimiter(options.rateLimitPerSecond ?? 0),
    committer,
    tap: options.tap ?? getTap(),
    trustProxy: options.trustProxy ?? false,
    protocols: {
      resolver: createProtocolsResolver(options.db),
      schemaTracking: options.schemaTracking ?? true,
    },
  });
  const retention = startRetention(
    store,
    options.retentionDays ?? 7,
    30_000,
    (cutoff) =>
      andThen(recordRetentionLoss(options.db, cutoff), (missed) => {
        if (missed)
          console.warn(`[switchyard] retention pruned ${missed} messages that warehouses had not loaded yet`);
      }),
    options.retentionLease,
  );
  let closed = false;

  const ingest = (req: IncomingMessage, res: ServerResponse, type: MessageType | null) => {
    readBody(req, type === null ? BATCH_LIMIT : SINGLE_LIMIT, (err, body) => {
      if (err) return sendError(res, err);
      let parsed: ParsedBody;
      try {
        parsed = parseJsonObject(body!);
      } catch (parseError) {
        return sendError(res, parseError instanceof IngestError ? parseError : internalError(parseError));
      }
      pipeline.run(req, res, parsed, type, jsonResponder);
    });
  };

  const pixel = (req: IncomingMessage, res: ServerResponse, type: MessageType, query: string) => {
    let message: ParsedBody;
    try {
      message = decodePixelData(query);
    } catch (err) {
      return sendGif(res, err instanceof IngestError ? err : internalError(err));
    }
    pipeline.run(req, res, message, type, gifResponder);
  };

  const route = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    let path = q < 0 ? url : url.slice(0, q);
    if (path.length > 4 && path.endsWith("/")) path = path.slice(0, -1);
    const method = req.method;
    if (options.functions && path.startsWith(FUNCTIONS_PREFIX)) {
      const token = path.slice(FUNCTIONS_PREFIX.length);
      return options.functions.handle(req, res, token, (source, batch, respond) =>
        pipeline.runAs(req, res, source, { value: { batch }, escapes: true }, null, respond),
      );
    }
    if (method === "POST") {
      const type = SINGLE.get(path);
      if (type !== undefined) return ingest(req, res, type);
      if (BATCH.has(path)) return ingest(req, res, null);
      // analytics.js telemetry, in case a page turns it back on: accepted and dropped.
      if (path === "/v1/m") return req.resume().on("end", () => sendOk(res));
    } else if (method === "OPTIONS") {
      res.writeHead(204, PREFLIGHT_HEADERS);
      return res.end();
    } else if (method === "GET" || method === "HEAD") {
      if (path.startsWith(PIXEL_PREFIX)) {
        const type = path.slice(PIXEL_PREFIX.length);
        // HEAD (link checkers, prefetchers) must not count as an open.
        if (isMessageType(type) && method === "HEAD") return sendGif(res);
        if (isMessageType(type)) return pixel(req, res, type, q < 0 ? "" : url.slice(q + 1));
      }
      const settings = SETTINGS_PATH.exec(path);
      if (settings) return sendSettings(res, settings[1]!);
    }
    req.resume();
    if (SINGLE.has(path) || BATCH.has(path) || path === "/v1/m") {
      return sendError(res, notAllowed(method, path, "POST"));
    }
    if (path.startsWith(PIXEL_PREFIX) && isMessageType(path.slice(PIXEL_PREFIX.length))) {
      return sendError(res, notAllowed(method, path, "GET"));
    }
    if (SETTINGS_PATH.test(path)) return sendError(res, notAllowed(method, path, "GET"));
    sendError(res, new IngestError(404, "not_found", `No tracking API endpoint at ${path.slice(0, 200)}`));
  };

  // Unknown write keys get a 404 (as if there were no such project) so a wrong key fails
  // loudly when analytics.js loads instead of silently dropping every event.
  const sendSettings = (res: ServerResponse, encodedKey: string) => {
    let writeKey: string;
    try {
      writeKey = decodeURIComponent(encodedKey);
    } catch {
      writeKey = encodedKey;
    }
    const answer = (source: SourceRef | null) => {
      if (!source) {
        return sendError(res, new IngestError(404, "invalid_write_key", "No source has this write key"));
      }
      sendJson(res, 200, settingsDocument(writeKey, options.publicUrl), {
        "cache-control": "public, max-age=60",
      });
    };
    const found = resolver.resolve(writeKey, Date.now());
    if (found instanceof Promise) found.then(answer, (err) => sendError(res, writeKeyUnreadable(err)));
    else answer(found);
  };

  return {
    store,
    privacyFlush: () => void privacy?.flush(),
    matches: (url) =>
      url !== undefined && (url === "/v1" || url.startsWith("/v1/") || url.startsWith("/v1?")),
    handle(req, res) {
      try {
        if (closed) {
          req.resume();
          return sendError(
            res,
            new IngestError(503, "unavailable", "Server is shutting down; retry shortly"),
          );
        }
        route(req, res);
      } catch (err) {
        sendError(res, internalError(err));
      }
    },
    async close() {
      closed = true;
      await committer.flush();
      await privacy?.close();
      await retention.stop();
      await archive.close();
    },
  };
}
