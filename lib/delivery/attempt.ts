import type Database from "better-sqlite3";
import { planRetry } from "@/lib/delivery/backoff";
import type { DeliveryConfig } from "@/lib/delivery/config";
import { ERROR_TYPES, type ErrorType, verdictForStatus } from "@/lib/delivery/errors";
import { type HttpAgents, type SendResult, send } from "@/lib/delivery/http/client";
import type { Completion, SampleInput } from "@/lib/delivery/recorder";
import { type Redactor, redactRequest, redactResponse, truncate } from "@/lib/delivery/redact";
import type { JobRow } from "@/lib/delivery/store";
import type { DestinationMapping, MapResult, Message, OutboundRequest, Verdict } from "@/lib/delivery/types";
import { applyInsertFunction, deliverWithFunction, type Ready } from "@/lib/functions/delivery";
import type { RoutedDestination } from "@/lib/routing/table";

// One delivery attempt: build the partner request(s) from the message, send, judge the answer,
// and say what happened to each job (delivered, retry at T, not delivered, filtered,
// unsupported) with a redacted failure sample. Several jobs share one attempt only when the
// destination batches (webhook with batching on); the verdict then applies to all of them.

export interface AttemptDeps {
  dest: RoutedDestination;
  mapping: DestinationMapping;
  agents: HttpAgents;
  cfg: DeliveryConfig;
  now: () => number;
  random: () => number;
  redact: Redactor;
  /** The archived message, for samples of jobs whose filters changed what is sent. */
  archived: (seq: number) => string | null;
  /** The delivery database (functions record their recent runs there). */
  db?: Database.Database;
}

export interface AttemptResult {
  completion: Completion;
  sample?: SampleInput;
  /**
   * What the attempt says about the destination as a whole, for the circuit breaker: it answered
   * (ok), or it failed in a way that is retried (timeouts, 5xx, 429...; with its Retry-After).
   * Absent when nothing was sent or the failure concerned only this message (a 400).
   */
  health?: { ok: boolean; retryAfterMs?: number };
}

type Failure = Extract<Verdict, { ok: false }> & { httpStatus: number | null };

interface Exchange {
  request: OutboundRequest | null;
  result: SendResult | null;
  failure: Failure | null;
}

function parse(job: JobRow): Message | null {
  if (job.message) return job.message;
  try {
    const v = job.payload ? (JSON.parse(job.payload) as unknown) : null;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Message) : null;
  } catch {
    return null;
  }
}

const failure = (errorType: ErrorType, message: string, httpStatus: number | null = null): Failure => ({
  ok: false,
  retry: ERROR_TYPES[errorType].retry,
  errorType,
  message,
  httpStatus,
});

/** Sends a request and, while the partner's flow has further steps, the next ones. */
async function run(first: MapResult, deps: AttemptDeps): Promise<Exchange> {
  let step: MapResult | null = first;
  const ex: Exchange = { request: null, result: null, failure: null };
  while (step) {
    if (step.kind === "invalid") return { ...ex, failure: failure("invalid_message", step.reason) };
    if (step.kind !== "request") return ex;
    ex.request = step.request;
    ex.result = await send(step.request, deps.agents, {
      timeoutMs: deps.cfg.timeoutMs,
      allowPrivate: deps.cfg.allowPrivate,
      now: deps.now,
    });
    if (!ex.result.ok) return { ...ex, failure: failure(ex.result.errorType, ex.result.message) };
    const res = ex.result.response;
    const verdict = deps.mapping.classify?.(res) ?? verdictForStatus(res, deps.now());
    if (!verdict.ok) return { ...ex, failure: { ...verdict, httpStatus: res.status } };
    step = step.next ? step.next(res) : null;
  }
  return ex;
}

function sampleFor(job: JobRow, ex: Exchange, f: Failure, at: number, deps: AttemptDeps): SampleInput {
  const sent = job.modified ? (deps.archived(job.seq) ?? job.payload) : job.payload;
  return {
    destinationId: job.destinationId,
    workspaceId: job.workspaceId,
    errorType: f.errorType,
    seq: job.seq,
    messageId: job.messageId,
    at,
    httpStatus: f.httpStatus,
    errorMessage: deps.redact(f.message),
    youSent: truncate(deps.redact(sent ?? ""), 16 * 1024),
    request: ex.request ? JSON.stringify(redactRequest(ex.request, deps.redact)) : null,
    response: ex.result?.ok ? JSON.stringify(redactResponse(ex.result.response, deps.redact)) : null,
  };
}

function judge(job: JobRow, ex: Exchange, deps: AttemptDeps): AttemptResult {
  const at = ex.result?.ackAt ?? deps.now();
  const httpStatus = ex.result?.ok ? ex.result.response.status : null;
  const counted = ex.request ? job.attempts + 1 : job.attempts;
  if (!ex.failure)
    return {
      completion: {
        kind: "delivered",
        job,
        attempts: counted,
        at,
        // A replayed message is timed from when the replay queued it: its original receivedAt may
        // be days old and would swamp the destination's P95.
        latencyMs: Math.max(0, at - Number(job.replayQueuedAt ?? job.receivedAt)),
        httpStatus,
      },
      health: { ok: true },
    };
  const f = ex.failure;
  const health = f.retry && ex.request ? { ok: false, retryAfterMs: f.retryAfterMs } : undefined;
  const sample = sampleFor(job, ex, f, at, deps);
  const message = deps.redact(f.message);
  if (f.retry && ex.request) {
    const plan = planRetry({
      attempts: counted,
      now: at,
      deadlineAt: job.deadlineAt,
      retryAfterMs: f.retryAfterMs,
      cfg: deps.cfg,
      random: deps.random,
    });
    if (plan.retry)
      return {
        completion: {
          kind: "retry",
          job,
          attempts: counted,
          at,
          nextAt: plan.at,
          httpStatus,
          errorType: f.errorType,
          message,
        },
        sample,
        health,
      };
    return {
      completion: {
        kind: "final",
        status: "not_delivered",
        job,
        attempts: counted,
        at,
        httpStatus,
        errorType: f.errorType,
        message: `${message} (${plan.reason})`,
      },
      sample,
      health,
    };
  }
  return {
    completion: {
      kind: "final",
      status: "not_delivered",
      job,
      attempts: counted,
      at,
      httpStatus,
      errorType: f.errorType,
      message,
    },
    sample,
  };
}

export async function attemptJobs(jobs: JobRow[], deps: AttemptDeps): Promise<AttemptResult[]> {
  const results: AttemptResult[] = [];
  let ready: Ready[] = [];
  const final = (
    job: JobRow,
    status: "not_delivered" | "filtered" | "unsupported",
    errorType: ErrorType,
    message: string,
  ) =>
    results.push({
      completion: {
        kind: "final",
        status,
        job,
        attempts: job.attempts,
        at: deps.now(),
        httpStatus: null,
        errorType,
        message,
      },
    });
  for (const job of jobs) {
    const message = parse(job);
    if (deps.dest.settingsError) final(job, "not_delivered", "invalid_settings", deps.dest.settingsError);
    else if (!message)
      final(
        job,
        "not_delivered",
        "archive_missing",
        "The message is no longer in the archive (past its retention)",
      );
    else ready.push({ job, message });
  }
  // Functions (lib/functions/delivery.ts): the insert function after the filters and before the
  // mapping; a destination function instead of the mapping.
  const functions = deps.dest.functions;
  if (functions?.insert && ready.length)
    ready = await applyInsertFunction(ready, deps, functions.insert, results);
  if (ready.length === 0) return results;
  if (functions?.destination)
    return [...results, ...(await deliverWithFunction(ready, deps, functions.destination))];
  const batching = deps.mapping.batching?.(deps.dest.settings);
  if (batching && deps.mapping.buildBatch) {
    const req = deps.mapping.buildBatch(
      ready.map((r) => r.message),
      deps.dest.settings,
    );
    const ex = await run({ kind: "request", request: req }, deps);
    for (const r of ready) results.push(judge(r.job, ex, deps));
    return results;
  }
  await Promise.all(
    ready.map(async ({ job, message }) => {
      const mapped = deps.mapping.build(message, deps.dest.settings, { sourceId: job.sourceId });
      if (mapped.kind === "skip") return final(job, mapped.status, mapped.errorType, mapped.reason);
      results.push(judge(job, await run(mapped, deps), deps));
    }),
  );
  return results;
}
