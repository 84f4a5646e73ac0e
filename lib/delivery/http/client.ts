import http from "node:http";
import https from "node:https";
import { BlockedAddressError, checkUrlHost, guardedLookup } from "@/lib/delivery/http/ssrf";
import type { OutboundRequest, PartnerResponse } from "@/lib/delivery/types";

// The one way deliveries reach the network: node:http(s) with a per-destination keep-alive agent
// whose lookup refuses blocked addresses, a hard deadline per request (connect to last byte), no
// redirects followed, and a bounded response body.

export interface HttpAgents {
  http: http.Agent;
  https: https.Agent;
  destroy(): void;
}

export function createAgents(opts: { allowPrivate: boolean; maxSockets: number }): HttpAgents {
  const common = {
    keepAlive: true,
    maxSockets: opts.maxSockets,
    maxFreeSockets: opts.maxSockets,
    lookup: guardedLookup(opts.allowPrivate),
  };
  const agents = { http: new http.Agent(common), https: new https.Agent(common) };
  return {
    ...agents,
    destroy() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

export type NetworkErrorType = "timeout" | "connection" | "dns" | "blocked_address" | "invalid_settings";

export type SendResult =
  | { ok: true; response: PartnerResponse; ackAt: number }
  | { ok: false; errorType: NetworkErrorType; message: string; ackAt: number };

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** Bytes of the response body kept (the rest is read and dropped so the socket stays reusable). */
  keepBodyBytes?: number;
  now?: () => number;
}

const DROP_AFTER_BYTES = 1 << 20;

class TimeoutError extends Error {}

function describeError(err: unknown, timeoutMs: number): { errorType: NetworkErrorType; message: string } {
  if (err instanceof TimeoutError)
    return { errorType: "timeout", message: `No complete answer within ${timeoutMs} ms` };
  if (err instanceof BlockedAddressError) return { errorType: "blocked_address", message: err.message };
  const code = (err as { code?: string }).code;
  const text = err instanceof Error ? err.message : String(err);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME")
    return { errorType: "dns", message: text };
  return { errorType: "connection", message: code ? `${code}: ${text}` : text };
}

export function send(req: OutboundRequest, agents: HttpAgents, opts: SendOptions): Promise<SendResult> {
  const now = opts.now ?? Date.now;
  const keep = opts.keepBodyBytes ?? 64 * 1024;
  let url: URL;
  try {
    url = new URL(req.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("Only http and https URLs");
    checkUrlHost(url, opts.allowPrivate);
  } catch (err) {
    const blocked = err instanceof BlockedAddressError;
    return Promise.resolve({
      ok: false,
      errorType: blocked ? "blocked_address" : "invalid_settings",
      message: blocked ? (err as Error).message : `Invalid destination URL: ${(err as Error).message}`,
      ackAt: now(),
    });
  }
  const body = Buffer.from(req.body, "utf8");
  const lib = url.protocol === "https:" ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const fail = (err: unknown) => finish({ ok: false, ...describeError(err, opts.timeoutMs), ackAt: now() });
    const outgoing = lib.request(url, {
      method: req.method,
      agent: url.protocol === "https:" ? agents.https : agents.http,
      headers: { "user-agent": "Switchyard-Delivery/1.0", ...req.headers, "content-length": body.length },
    });
    const timer = setTimeout(() => outgoing.destroy(new TimeoutError()), opts.timeoutMs);
    outgoing.on("error", fail);
    outgoing.on("response", (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let seen = 0;
      const answered = () =>
        finish({
          ok: true,
          response: {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          },
          ackAt: now(),
        });
      res.on("data", (chunk: Buffer) => {
        seen += chunk.length;
        if (kept < keep) {
          chunks.push(chunk.subarray(0, keep - kept));
          kept += Math.min(chunk.length, keep - kept);
        }
        // A huge answer is not worth reading to the end: the status is known, drop the socket.
        if (seen > DROP_AFTER_BYTES) {
          answered();
          res.destroy();
        }
      });
      res.on("error", fail);
      res.on("close", () => {
        if (!res.complete) fail(new Error("The connection closed before the whole answer arrived"));
      });
      res.on("end", answered);
    });
    outgoing.end(body);
  });
}
