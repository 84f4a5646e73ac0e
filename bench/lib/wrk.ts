import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LoadResult } from "@/bench/lib/run";

// Closed-loop load from wrk (Debian's package `wrk`: `apt-get install wrk`) instead of autocannon.
// On this 2-core machine the load generator shares the cores with the servers it measures;
// autocannon, building every request in JavaScript, takes far more of them than wrk's C loop, so
// a server measured with it gets less CPU than it would behind a real load balancer. Chosen with
// BENCH_LOADGEN=wrk (bench/lib/run.ts `load`); fixed-rate runs stay on autocannon (wrk has no
// rate option).

// One request per call of `request()`: the body with a fresh id in place of "[<id>]" (thread
// number and counter, so nothing is a duplicate), the header sets taken in turn. The Lua reads
// its inputs from the environment; `done` prints one JSON line (latencies in µs).
const SCRIPT = `
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local sep = string.char(30)
local body = os.getenv("WRK_BODY")
local parts = {}
local from = 1
while true do
  local s, e = string.find(body, "[<id>]", from, true)
  if s == nil then break end
  parts[#parts + 1] = string.sub(body, from, s - 1)
  from = e + 1
end
parts[#parts + 1] = string.sub(body, from)
local auths = {}
for a in string.gmatch(os.getenv("WRK_AUTHS"), "[^" .. sep .. "]+") do auths[#auths + 1] = a end
local stamp = os.getenv("WRK_STAMP")
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
function request()
  counter = counter + 1
  wrk.headers["authorization"] = auths[(counter % #auths) + 1]
  return wrk.format(nil, nil, nil, table.concat(parts, stamp .. (tid or 0) .. "n" .. counter))
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"duration":%d,"status":%d,"errors":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
`;

let scriptFile: string | null = null;
let runs = 0;

function script(): string {
  if (scriptFile) return scriptFile;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-wrk-"));
  scriptFile = path.join(dir, "load.lua");
  fs.writeFileSync(scriptFile, SCRIPT);
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  return scriptFile;
}

export function wrkLoad(opts: {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  duration: number;
  rotate?: Record<string, string>[];
}): Promise<LoadResult> {
  const auths = (opts.rotate ?? [opts.headers]).map((h) => h.authorization ?? "");
  const extra = Object.keys(opts.headers).filter((h) => !["authorization", "content-type"].includes(h));
  if (extra.length > 0) throw new Error(`BENCH_LOADGEN=wrk sends no ${extra.join(", ")} header`);
  const env = {
    ...process.env,
    WRK_BODY: opts.body,
    WRK_AUTHS: auths.join("\u001e"),
    WRK_STAMP: `${process.pid.toString(36)}${Date.now().toString(36)}r${runs++}t`,
  };
  // One thread: the servers need the other core more than wrk needs a second.
  const args = [
    "-t",
    "1",
    "-c",
    String(opts.connections),
    "-d",
    `${opts.duration}s`,
    "-s",
    script(),
    opts.url,
  ];
  return new Promise((resolve, reject) => {
    execFile("wrk", args, { env, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
        return reject(
          new Error(
            missing
              ? "BENCH_LOADGEN=wrk needs wrk (apt-get install wrk)"
              : `wrk failed: ${stderr || err.message}`,
          ),
        );
      }
      const last = stdout.trim().split("\n").pop() ?? "";
      const r = JSON.parse(last) as Record<
        "requests" | "duration" | "status" | "errors" | "p50" | "p99",
        number
      >;
      resolve({
        requestsPerSec: r.requests / (r.duration / 1e6),
        p50: r.p50 / 1000,
        p99: r.p99 / 1000,
        errors: r.errors,
        non2xx: r.status,
        total: r.requests,
      });
    });
  });
}
