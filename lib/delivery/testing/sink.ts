import http from "node:http";
import type { AddressInfo } from "node:net";

// A local HTTP endpoint that misbehaves on demand, for delivery tests and the benchmark.
// Modes: answer 2xx, answer any status, 429 with Retry-After, hang (never answer), answer
// slowly, or close the connection without answering. Every request is recorded.

export type SinkMode =
  | { kind: "ok"; status?: number; body?: string }
  | { kind: "status"; status: number; body?: string; headers?: Record<string, string> }
  | { kind: "retry-after"; seconds: number; status?: number }
  | { kind: "hang" }
  | { kind: "slow"; ms: number; status?: number; body?: string }
  | { kind: "close" };

export interface SinkRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A fixed mode, or one chosen per request (index counts from 0). */
export type SinkBehaviour = SinkMode | ((req: SinkRequest, index: number) => SinkMode);

export interface Sink {
  url: string;
  port: number;
  /** Recorded requests (empty when recording is off). */
  requests: SinkRequest[];
  /** Requests received, recorded or not. */
  readonly count: number;
  setMode(mode: SinkBehaviour): void;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface SinkOptions {
  port?: number;
  /** Keep request bodies and headers (off for load tests: only `count` is kept then). */
  record?: boolean;
  /** Listen address (default 127.0.0.1; "0.0.0.0" for tests that reach it by another address). */
  host?: string;
}

export async function startSink(
  initial: SinkBehaviour = { kind: "ok" },
  opts: SinkOptions = {},
): Promise<Sink> {
  let behaviour = initial;
  const record = opts.record ?? true;
  let count = 0;
  const requests: SinkRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const held = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry: SinkRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      };
      const index = count++;
      if (record) requests.push(entry);
      for (const w of waiters.filter((w) => count >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const mode = typeof behaviour === "function" ? behaviour(entry, index) : behaviour;
      answer(mode, req, res);
    });
  });
  const answer = (mode: SinkMode, req: http.IncomingMessage, res: http.ServerResponse) => {
    const send = (status: number, body = "", headers: Record<string, string> = {}) =>
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
    switch (mode.kind) {
      case "ok":
        return send(mode.status ?? 200, mode.body ?? `{"success":true}`);
      case "status":
        return send(mode.status, mode.body ?? `{"error":"status ${mode.status}"}`, mode.headers);
      case "retry-after":
        return send(mode.status ?? 429, `{"error":"slow down"}`, { "retry-after": String(mode.seconds) });
      case "hang":
        held.add(res);
        res.on("close", () => held.delete(res));
        return;
      case "slow":
        held.add(res);
        setTimeout(() => {
          held.delete(res);
          if (!res.destroyed) send(mode.status ?? 200, mode.body ?? `{"success":true}`);
        }, mode.ms);
        return;
      case "close":
        req.socket.destroy();
        return;
    }
  };
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    get count() {
      return count;
    },
    setMode(mode) {
      behaviour = mode;
    },
    waitFor(wanted, timeoutMs = 10_000) {
      if (count >= wanted) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`sink got ${count} of ${wanted} requests within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count: wanted,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
