import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import autocannon from "autocannon";
import { wrkLoad } from "@/bench/lib/wrk";

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a script under `node --import tsx` and waits for its {"port":N} line.
 * BENCH_CPU_PROF=<dir>: the server writes a CPU profile there when it stops.
 */
export async function startServer(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const root = path.resolve(import.meta.dirname, "../..");
  const prof = process.env.BENCH_CPU_PROF;
  const flags = prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : [];
  const child = spawn(process.execPath, [...flags, "--import", "tsx", script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout!.once("data", (d: Buffer) => resolve(JSON.parse(String(d).split("\n")[0]!).port));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export interface LoadResult {
  requestsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

export async function load(opts: {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  duration: number;
  overallRate?: number;
  /** Header sets taken in turn, one per request (several write keys), instead of `headers`. */
  rotate?: Record<string, string>[];
}): Promise<LoadResult> {
  // BENCH_LOADGEN=wrk: closed-loop runs from wrk, which leaves the servers more of the 2 cores.
  if (process.env.BENCH_LOADGEN === "wrk" && opts.overallRate === undefined) return wrkLoad(opts);
  // A fresh id per request in place of every "[<id>]" (autocannon's own idReplacement sends a
  // wrong Content-Length with hyperid 3, so it is done here).
  const parts = opts.body.split("[<id>]");
  const prefix = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  let counter = 0;
  const result = await autocannon({
    url: opts.url,
    headers: opts.headers,
    connections: opts.connections,
    duration: opts.duration,
    overallRate: opts.overallRate,
    requests: [
      {
        method: "POST",
        setupRequest: (req) => {
          const n = counter++;
          const headers = opts.rotate ? opts.rotate[n % opts.rotate.length] : req.headers;
          return { ...req, headers, body: parts.join(`${prefix}${n.toString(36)}`) };
        },
      },
    ],
  });
  return {
    requestsPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/** The median; for an even count, the mean of the middle pair. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
