// Shapes exchanged with a function's sandbox thread (lib/functions/sandbox/worker.cjs).

export type FunctionKind = "source" | "destination" | "insert";
export const FUNCTION_KINDS = ["source", "destination", "insert"] as const;

/** "request": a source function's onRequest; "event": one handler call; "batch": onBatch. */
export type InvocationMode = "request" | "event" | "batch";

export type Outcome =
  /** Finished without an error. */
  | "ok"
  /** DropEvent thrown (or an insert handler returned nothing): the event is not sent. */
  | "drop"
  /** RetryError thrown: try again later. */
  | "retry"
  /** ValidationError or InvalidEventPayload: final, the message is the reason. */
  | "rejected"
  /** EventNotSupported thrown, or no handler for the call type. */
  | "unsupported"
  /** A fetch failed on the network (uncaught FetchError): retried like any delivery. */
  | "network"
  /** Any other error thrown by the code. */
  | "error"
  /** Past the CPU time limit (or the wall-clock limit including fetch waits). */
  | "timeout"
  | "memory"
  | "output_limit"
  /** The code could not be loaded (syntax error, top-level throw): final until redeployed. */
  | "load_error"
  /** The sandbox thread died or is restarting: retry. */
  | "unavailable";

export interface LogLine {
  level: "log" | "info" | "debug" | "warn" | "error";
  message: string;
}

export interface FetchRecord {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  status: number | null;
  responseBody: string;
  error: string | null;
  durationMs: number;
}

export interface InvocationResult {
  outcome: Outcome;
  name?: string;
  message?: string;
  stack?: string;
  /** For "network": timeout | connection | dns | blocked_address | invalid_settings. */
  networkType?: string;
  /** JSON: the returned event (insert) or onBatch's answer. */
  output?: string | null;
  /** JSON messages from Segment.track/identify/... (source functions). */
  emitted: string[];
  logs: LogLine[];
  fetches: FetchRecord[];
  cpuMs: number;
  durationMs: number;
}

export const HANDLER_NAMES = [
  "onRequest",
  "onTrack",
  "onIdentify",
  "onPage",
  "onScreen",
  "onGroup",
  "onAlias",
  "onDelete",
  "onBatch",
] as const;
