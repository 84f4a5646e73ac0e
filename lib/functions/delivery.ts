import type { AttemptDeps, AttemptResult } from "@/lib/delivery/attempt";
import { planRetry } from "@/lib/delivery/backoff";
import { ERROR_TYPES, type ErrorType } from "@/lib/delivery/errors";
import type { Completion, SampleInput } from "@/lib/delivery/recorder";
import { redactor as makeRedactor, type Redactor, truncate } from "@/lib/delivery/redact";
import type { JobRow } from "@/lib/delivery/store";
import type { DestinationMapping, Message } from "@/lib/delivery/types";
import { invalid } from "@/lib/delivery/types";
import { RunRecorder } from "@/lib/functions/runs";
import { type Binding, getFunctionRuntime } from "@/lib/functions/runtime";
import type { InvocationResult } from "@/lib/functions/sandbox/types";

// Functions in the delivery path. A destination function is the delivery: its handler's outcome
// becomes the job's outcome (delivered, retried with backoff, or final with its message). An
// insert function runs after the destination's filters and before its mapping: the returned
// event is what the mapping sees, DropEvent counts as filtered "by insert function", and any
// other failure is the job's failure, like a delivery error.

export interface Ready {
  job: JobRow;
  message: Message;
}

/** Registered as the "function" destination type's mapping: only reached without a deployed function. */
export const functionMapping: DestinationMapping = {
  build: () => invalid("The destination function has no deployed version"),
};

// One recorder per delivery database (a process has one; tests open several in turn).
const recorderKey = Symbol.for("switchyard.functions.deliveryRuns");
type G = typeof globalThis & { [recorderKey]?: WeakMap<object, RunRecorder> };
function runs(deps: AttemptDeps): RunRecorder | null {
  if (!deps.db) return null;
  const g = globalThis as G;
  g[recorderKey] ??= new WeakMap();
  let recorder = g[recorderKey].get(deps.db);
  if (!recorder) {
    recorder = new RunRecorder(deps.db);
    g[recorderKey].set(deps.db, recorder);
  }
  return recorder;
}

// One redactor per deployed binding (bindings are replaced when settings or versions change).
const redactors = new WeakMap<Binding, Redactor>();
function redactor(binding: Binding): Redactor {
  let r = redactors.get(binding);
  if (!r) {
    r = makeRedactor(binding.secrets);
    redactors.set(binding, r);
  }
  return r;
}

/** What a failed invocation means for the job. */
function failureOf(r: InvocationResult): {
  errorType: ErrorType;
  status: "not_delivered" | "unsupported" | "filtered";
} {
  switch (r.outcome) {
    case "drop":
      return { errorType: "insert_function", status: "filtered" };
    case "unsupported":
      return { errorType: "unsupported_event", status: "unsupported" };
    case "rejected":
      return { errorType: "function_rejected", status: "not_delivered" };
    case "retry":
      return { errorType: "function_retry", status: "not_delivered" };
    case "network": {
      const t = r.networkType as ErrorType;
      return { errorType: t in ERROR_TYPES ? t : "connection", status: "not_delivered" };
    }
    case "timeout":
      return {
        errorType: r.name === "WallTimeoutError" ? "timeout" : "function_timeout",
        status: "not_delivered",
      };
    case "memory":
    case "output_limit":
      return { errorType: "function_limit", status: "not_delivered" };
    case "unavailable":
      return { errorType: "function_unavailable", status: "not_delivered" };
    case "load_error":
      return { errorType: "function_not_deployed", status: "not_delivered" };
    default:
      return { errorType: "function_error", status: "not_delivered" };
  }
}

function sample(
  job: JobRow,
  r: InvocationResult,
  errorType: ErrorType,
  at: number,
  binding: Binding,
  deps: AttemptDeps,
): SampleInput {
  const redact = redactor(binding);
  const last = r.fetches[r.fetches.length - 1];
  return {
    destinationId: job.destinationId,
    workspaceId: job.workspaceId,
    errorType,
    seq: job.seq,
    messageId: job.messageId,
    at,
    httpStatus: last?.status ?? null,
    errorMessage: deps.redact(redact(`${r.name ?? "Error"}: ${r.message ?? ""}`)),
    youSent: truncate(deps.redact(redact(job.payload ?? deps.archived(job.seq) ?? "")), 16 * 1024),
    // The function's side of the exchange: its fetch calls, then what it printed.
    request: deps.redact(
      redact(
        JSON.stringify({
          function: { kind: binding.kind, version: binding.version },
          fetches: r.fetches.map(({ requestHeaders, ...f }) => f),
        }),
      ),
    ),
    response: deps.redact(redact(JSON.stringify({ logs: r.logs, stack: r.stack ?? null }))),
  };
}

function completion(
  ready: Ready,
  r: InvocationResult,
  binding: Binding,
  deps: AttemptDeps,
  countAttempt: boolean,
): AttemptResult {
  const { job } = ready;
  const at = deps.now();
  const attempts = countAttempt ? job.attempts + 1 : job.attempts;
  const { errorType, status } = failureOf(r);
  const message = deps.redact(redactor(binding)(r.message ?? r.outcome)).slice(0, 2000);
  if (status !== "not_delivered")
    return {
      completion: {
        kind: "final",
        status,
        job,
        attempts: job.attempts,
        at,
        httpStatus: null,
        errorType,
        message,
      },
    };
  const s = sample(job, r, errorType, at, binding, deps);
  if (ERROR_TYPES[errorType].retry) {
    const plan = planRetry({
      attempts,
      now: at,
      deadlineAt: job.deadlineAt,
      cfg: deps.cfg,
      random: deps.random,
    });
    if (plan.retry)
      return {
        completion: {
          kind: "retry",
          job,
          attempts,
          at,
          nextAt: plan.at,
          httpStatus: null,
          errorType,
          message,
        },
        sample: s,
      };
    return {
      completion: {
        kind: "final",
        status: "not_delivered",
        job,
        attempts,
        at,
        httpStatus: null,
        errorType,
        message: `${message} (${plan.reason})`,
      },
      sample: s,
    };
  }
  const final: Completion = {
    kind: "final",
    status: "not_delivered",
    job,
    attempts,
    at,
    httpStatus: null,
    errorType,
    message,
  };
  return { completion: final, sample: s };
}

function delivered(r: Ready, result: InvocationResult, deps: AttemptDeps): AttemptResult {
  const at = deps.now();
  return {
    completion: {
      kind: "delivered",
      job: r.job,
      attempts: r.job.attempts + 1,
      at,
      latencyMs: Math.max(0, at - Number(r.job.replayQueuedAt ?? r.job.receivedAt)),
      httpStatus: result.fetches[result.fetches.length - 1]?.status ?? null,
    },
  };
}

/**
 * How the delivery worker groups jobs for a destination function: in batches when its code
 * mentions onBatch (a hint only; the handlers the loaded code really defines decide below), else
 * one job at a time.
 */
export function functionBatching(binding: Binding | undefined): { size: number; windowMs: number } | null {
  if (!binding || !/\bonBatch\b/.test(binding.code)) return null;
  const { batchSize, batchWindowMs } = getFunctionRuntime().limits;
  return { size: batchSize, windowMs: batchWindowMs };
}

/**
 * One entry of onBatch's answer, Segment's partial-failure form: `{ status, errormessage }` per
 * event, in order. 2xx delivered; 429 and 5xx retried; other statuses final.
 */
const statusOf = (entry: unknown): { status: number; message: string } | null => {
  if (typeof entry !== "object" || entry === null) return null;
  const { status, errormessage } = entry as { status?: unknown; errormessage?: unknown };
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) return null;
  return { status, message: typeof errormessage === "string" ? errormessage : `status ${status}` };
};

/** The per-event statuses onBatch returned, or null when it returned anything else (all delivered). */
function batchStatuses(output: string | null | undefined, n: number) {
  if (!output) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== n) return null;
  const statuses = parsed.map(statusOf);
  return statuses.every((s) => s !== null) ? (statuses as { status: number; message: string }[]) : null;
}

/**
 * onBatch for several messages at once (Segment's semantics): a thrown error applies to every
 * event of the batch (RetryError, timeouts and network errors retry it, other errors discard it);
 * an array of `{ status, errormessage }` reports each event, and only the failed ones are retried.
 */
async function deliverBatch(ready: Ready[], deps: AttemptDeps, binding: Binding): Promise<AttemptResult[]> {
  const runtime = getFunctionRuntime();
  const fetch = { timeoutMs: deps.cfg.timeoutMs, allowPrivate: deps.cfg.allowPrivate };
  const payload = JSON.stringify(ready.map((r) => r.message));
  const result = await runtime.invoke(binding, "batch", payload, fetch);
  runs(deps)?.add(binding, result, payload, redactor(binding));
  if (result.outcome !== "ok") return ready.map((r) => completion(r, result, binding, deps, true));
  const statuses = batchStatuses(result.output, ready.length);
  return ready.map((r, i) => {
    const s = statuses?.[i];
    if (!s || (s.status >= 200 && s.status < 300)) return delivered(r, result, deps);
    const retry = s.status === 429 || s.status >= 500;
    const failed: InvocationResult = {
      ...result,
      outcome: retry ? "retry" : "rejected",
      name: retry ? "RetryError" : "ValidationError",
      message: `onBatch answered ${s.status} for this event: ${s.message}`,
    };
    return completion(r, failed, binding, deps, true);
  });
}

/**
 * Delivers each message by calling the destination function's handler for its type, or, when
 * the code defines onBatch and the worker handed over several messages, onBatch in one call.
 */
export async function deliverWithFunction(
  ready: Ready[],
  deps: AttemptDeps,
  binding: Binding,
): Promise<AttemptResult[]> {
  const runtime = getFunctionRuntime();
  const fetch = { timeoutMs: deps.cfg.timeoutMs, allowPrivate: deps.cfg.allowPrivate };
  if (ready.length > 1) {
    const loaded = await runtime.sandbox(binding, fetch).ready();
    if (loaded.ok && loaded.handlers.includes("onBatch")) return deliverBatch(ready, deps, binding);
  }
  return Promise.all(
    ready.map(async (r) => {
      const payload = JSON.stringify(r.message);
      const result = await runtime.invoke(binding, "event", payload, fetch);
      runs(deps)?.add(binding, result, payload, redactor(binding));
      return result.outcome === "ok"
        ? delivered(r, result, deps)
        : completion(r, result, binding, deps, true);
    }),
  );
}

/**
 * Runs the insert function on each message. Returns the messages to hand to the mapping (as the
 * function returned them); the others end here, their results pushed onto `results`.
 */
export async function applyInsertFunction(
  ready: Ready[],
  deps: AttemptDeps,
  binding: Binding,
  results: AttemptResult[],
): Promise<Ready[]> {
  const runtime = getFunctionRuntime();
  const fetch = { timeoutMs: deps.cfg.timeoutMs, allowPrivate: deps.cfg.allowPrivate };
  const outcomes = await Promise.all(
    ready.map(async (r) => {
      const payload = JSON.stringify(r.message);
      const result = await runtime.invoke(binding, "event", payload, fetch);
      runs(deps)?.add(binding, result, payload, redactor(binding));
      return { r, result };
    }),
  );
  const kept: Ready[] = [];
  for (const { r, result } of outcomes) {
    if (result.outcome === "ok" && result.output) {
      const message = JSON.parse(result.output) as Message;
      kept.push({ job: { ...r.job, payload: result.output, modified: 1, message }, message });
    } else results.push(completion(r, result, binding, deps, false));
  }
  return kept;
}
