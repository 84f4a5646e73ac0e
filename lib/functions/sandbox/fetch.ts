import { type HttpAgents, send } from "@/lib/delivery/http/client";
import type { OutboundRequest } from "@/lib/delivery/types";
import type { FetchRecord } from "@/lib/functions/sandbox/types";

// A function's fetch call, performed for its sandbox thread through the delivery HTTP client: the
// SSRF guard, the destination's timeout and a bounded answer. The thread gets the answer as JSON;
// the invocation's result keeps a record of the call (clipped bodies) for the console's test runs.

export interface FetchPolicy {
  timeoutMs: number;
  allowPrivate: boolean;
}

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]);
const KEEP_BODY_BYTES = 256 * 1024;
const RECORD_BODY_CHARS = 4096;

const clip = (s: string, n = RECORD_BODY_CHARS) => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * Performs one request the code asked for (`requestJson`: url, method, headers, body). Answers
 * what the thread's fetch resolves with (status, headers, body) or rejects with (an error type and
 * message), and the record of the call (null when the request could not even be read).
 */
export async function performFetch(
  requestJson: string,
  agents: () => HttpAgents,
  policy: FetchPolicy,
): Promise<{ answer: Record<string, unknown>; record: FetchRecord | null }> {
  const started = Date.now();
  let answer: Record<string, unknown>;
  let record: FetchRecord | null = null;
  try {
    const req = JSON.parse(requestJson) as {
      url: string;
      method: string;
      headers: Record<string, string>;
      body: string | null;
    };
    record = {
      method: req.method,
      url: req.url,
      requestHeaders: req.headers,
      requestBody: clip(req.body ?? ""),
      status: null,
      responseBody: "",
      error: null,
      durationMs: 0,
    };
    if (!METHODS.has(req.method)) {
      answer = { error: { type: "invalid", message: `fetch: unsupported method ${req.method}` } };
    } else {
      const outbound = {
        method: req.method as OutboundRequest["method"],
        url: req.url,
        headers: { "user-agent": "Switchyard-Functions/1.0", ...req.headers },
        body: req.body ?? "",
      };
      const sent = await send(outbound, agents(), {
        timeoutMs: policy.timeoutMs,
        allowPrivate: policy.allowPrivate,
        keepBodyBytes: KEEP_BODY_BYTES,
      });
      if (sent.ok) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(sent.response.headers))
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
        answer = { status: sent.response.status, headers, body: sent.response.body, url: req.url };
        record.status = sent.response.status;
        record.responseBody = clip(sent.response.body);
      } else {
        answer = { error: { type: sent.errorType, message: sent.message } };
        record.error = `${sent.errorType}: ${sent.message}`;
      }
    }
  } catch (err) {
    answer = { error: { type: "invalid", message: `fetch: ${(err as Error).message}` } };
  }
  if (record) {
    record.durationMs = Date.now() - started;
    if (record.error === null && "error" in answer)
      record.error = (answer.error as { message: string }).message;
  }
  return { answer, record };
}
