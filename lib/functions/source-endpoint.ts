import type { IncomingMessage, ServerResponse } from "node:http";
import type Database from "better-sqlite3";
import { sha256 } from "@/lib/crypto/secrets";
import { andThen, type Maybe } from "@/lib/db/off-loop";
import { redactor } from "@/lib/delivery/redact";
import { loadSourceBinding, type SourceBinding } from "@/lib/functions/bindings";
import { RunRecorder } from "@/lib/functions/runs";
import { getFunctionRuntime } from "@/lib/functions/runtime";
import type { InvocationResult } from "@/lib/functions/sandbox/types";
import { batchLimit, readBody } from "@/lib/ingest/body";
import type { FunctionEndpoint } from "@/lib/ingest/http";
import { MAX_BATCH_BYTES } from "@/lib/ingest/limits";
import type { Outcome, Responder } from "@/lib/ingest/pipeline";
import { IngestError, sendError, sendJson } from "@/lib/ingest/responses";

// POST /v1/functions/{token}: a third party's webhook (Stripe, GitHub, a form service) runs the
// source function's onRequest in its sandbox; the Segment calls it makes enter the source's normal
// ingest path (validation, dedup, archive, tap, routing) exactly as a /v1/batch would.
//
// Answers: 200 with the ingest counts; 400 when the function rejected the request
// (ValidationError, InvalidEventPayload, any other error it threw); 503 + Retry-After when it
// asked for a retry or could not finish (RetryError, a network failure, a timeout), so the sender
// retries; 422 when it broke a limit that a retry will not fix (memory, output, code that does
// not load). Logs never go back to the caller: they are on the Functions page.

const BODY_LIMIT = batchLimit(MAX_BATCH_BYTES);
const CACHE_MS = 1000;

export interface SourceEndpointOptions {
  db: Database.Database;
  publicUrl: string;
  encryptionKey: () => string;
}

type Answer = { status: number; code: string; headers?: Record<string, string> };

const ANSWERS: Partial<Record<InvocationResult["outcome"], Answer>> = {
  rejected: { status: 400, code: "invalid_payload" },
  unsupported: { status: 400, code: "event_not_supported" },
  error: { status: 400, code: "function_error" },
  retry: { status: 503, code: "function_retry", headers: { "retry-after": "60" } },
  network: { status: 503, code: "function_retry", headers: { "retry-after": "60" } },
  timeout: { status: 503, code: "function_timeout", headers: { "retry-after": "60" } },
  unavailable: { status: 503, code: "unavailable", headers: { "retry-after": "5" } },
  memory: { status: 422, code: "function_memory_limit" },
  output_limit: { status: 422, code: "function_output_limit" },
  load_error: { status: 422, code: "function_load_error" },
};

export function createSourceFunctionEndpoint(opts: SourceEndpointOptions): FunctionEndpoint & {
  close(): Promise<void>;
} {
  const recorder = new RunRecorder(opts.db);
  const cache = new Map<string, { binding: SourceBinding | null; expires: number }>();

  /** Cached for CACHE_MS; a miss on PostgreSQL answers with a promise (read off the event loop). */
  const lookup = (token: string): Maybe<SourceBinding | null> => {
    const hash = sha256(token);
    const now = Date.now();
    const hit = cache.get(hash);
    if (hit && hit.expires > now) return hit.binding;
    return andThen(loadSourceBinding(opts.db, hash, opts.encryptionKey()), (binding) => {
      if (cache.size > 10_000) cache.clear();
      cache.set(hash, { binding, expires: now + CACHE_MS });
      return binding;
    });
  };

  const unavailable = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    req.resume();
    console.error("[switchyard] functions: looking up a source function failed:", err);
    sendError(res, new IngestError(503, "unavailable", "Could not look up the function; retry shortly"));
  };

  return {
    close: () => recorder.close(),
    handle(req, res, token, ingest) {
      if (req.method !== "POST") {
        req.resume();
        return sendError(
          res,
          new IngestError(405, "method_not_allowed", `${req.method} is not allowed here; use POST`, {
            allow: "POST",
          }),
        );
      }
      const found = (binding: SourceBinding | null) => {
        if (!binding) {
          req.resume();
          return sendError(res, new IngestError(404, "not_found", "No source function has this URL"));
        }
        if (!binding.sourceEnabled) {
          req.resume();
          return sendError(res, new IngestError(403, "source_disabled", "This source is disabled"));
        }
        readBody(req, BODY_LIMIT, (err, body) => {
          if (err) return sendError(res, err);
          void run(req, res, binding, body!.toString("utf8"), ingest);
        });
      };
      let binding: Maybe<SourceBinding | null>;
      try {
        binding = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? lookup(token) : null;
      } catch (err) {
        return unavailable(req, res, err);
      }
      if (binding instanceof Promise) binding.then(found, (err) => unavailable(req, res, err));
      else found(binding);
    },
  };

  async function run(
    req: IncomingMessage,
    res: ServerResponse,
    binding: SourceBinding,
    body: string,
    ingest: Parameters<FunctionEndpoint["handle"]>[3],
  ) {
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      headers.push([req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!]);
    const payload = JSON.stringify({
      method: "POST",
      url: new URL(req.url ?? "/", opts.publicUrl).href,
      headers,
      body,
    });
    const result = await getFunctionRuntime().invoke(binding, "request", payload);
    const redact = redactor(binding.secrets);
    recorder.add(binding, result, body, redact);
    if (result.outcome === "drop") return sendJson(res, 200, { success: true, accepted: 0, dropped: true });
    if (result.outcome !== "ok") {
      const answer = ANSWERS[result.outcome] ?? { status: 400, code: "function_error" };
      const message = redact(`${result.name ?? "Error"}: ${result.message ?? ""}`).slice(0, 1000);
      return sendJson(
        res,
        answer.status,
        { success: false, error: { code: answer.code, message } },
        answer.headers,
      );
    }
    if (result.emitted.length === 0) return sendJson(res, 200, { success: true, accepted: 0 });
    const batch = result.emitted.map((m) => JSON.parse(m) as unknown);
    ingest({ id: binding.sourceId, workspaceId: binding.workspaceId, enabled: true }, batch, responder);
  }
}

const responder: Responder = {
  ok(res, outcome: Outcome) {
    const { accepted, duplicates, rejected } = outcome;
    sendJson(res, 200, { success: true, accepted, duplicates, rejected });
  },
  error: sendError,
};
