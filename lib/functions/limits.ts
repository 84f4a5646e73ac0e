import { z } from "zod";

// Limits of one function invocation, from the environment with sane defaults. Every invocation
// gets all of them; a function that exceeds one is stopped and the outcome names the limit.

export interface FunctionLimits {
  /** Time spent running the function's code (not waiting for fetch), per invocation. */
  cpuMs: number;
  /** Heap of the function's JavaScript runtime. */
  memoryMb: number;
  stackKb: number;
  /** Bytes of returned events, Segment calls and the batch answer, per invocation. */
  outputBytes: number;
  /** Segment.track/identify/... calls per source-function request. */
  emitCalls: number;
  /** fetch() calls per invocation. */
  fetchCalls: number;
  logLines: number;
  logBytes: number;
  /** Evaluating the function's top-level code when it is loaded. */
  loadMs: number;
  /** Whole invocation including fetch waits; past it the invocation fails as a timeout. */
  wallMs: number;
  /**
   * The share of one core a function may use over time (0.25: a quarter). A function that uses more
   * (code that loops to its CPU limit on every event) has its next invocations held back until it is
   * within its share again, so it cannot take a core from the ingest, the console and the other
   * destinations. Short bursts up to two CPU limits are not held.
   */
  cpuShare: number;
  /** onBatch in deliveries: up to this many events per call, waiting at most batchWindowMs to fill. */
  batchSize: number;
  batchWindowMs: number;
}

const num = (def: number, min: number, max: number) => z.coerce.number().min(min).max(max).default(def);

const schema = z.object({
  FUNCTIONS_CPU_LIMIT_MS: num(200, 5, 60_000),
  FUNCTIONS_MEMORY_LIMIT_MB: num(32, 4, 1024),
  FUNCTIONS_OUTPUT_LIMIT_KB: num(512, 1, 16_384),
  FUNCTIONS_FETCH_LIMIT: num(20, 0, 1000),
  FUNCTIONS_WALL_LIMIT_MS: num(30_000, 100, 600_000),
  FUNCTIONS_CPU_SHARE: num(0.25, 0.01, 1),
  // Segment: batches of 20 by default, up to 400 on request; its wait is up to 10 s. A shorter
  // wait here: a quiet destination gets single-event handlers sooner (lib/functions/delivery.ts).
  FUNCTIONS_BATCH_SIZE: num(20, 2, 400),
  FUNCTIONS_BATCH_WINDOW_MS: num(1000, 0, 10_000),
});

export function loadFunctionLimits(source: Record<string, string | undefined> = process.env): FunctionLimits {
  const picked = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, source[k] || undefined]));
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid functions configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    cpuMs: e.FUNCTIONS_CPU_LIMIT_MS,
    memoryMb: e.FUNCTIONS_MEMORY_LIMIT_MB,
    stackKb: 512,
    outputBytes: e.FUNCTIONS_OUTPUT_LIMIT_KB * 1024,
    emitCalls: 2500,
    fetchCalls: e.FUNCTIONS_FETCH_LIMIT,
    logLines: 100,
    logBytes: 16 * 1024,
    loadMs: Math.max(1000, e.FUNCTIONS_CPU_LIMIT_MS),
    wallMs: e.FUNCTIONS_WALL_LIMIT_MS,
    cpuShare: e.FUNCTIONS_CPU_SHARE,
    batchSize: e.FUNCTIONS_BATCH_SIZE,
    batchWindowMs: e.FUNCTIONS_BATCH_WINDOW_MS,
  };
}
