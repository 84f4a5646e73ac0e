import http from "node:http";

// Open-loop load at a fixed rate, requests evenly spaced (autocannon's overallRate sends each
// connection's quota for the second back to back, so "half the rate" arrives as bursts).
// Latency is measured from the moment a request was *due*, not from when a connection was
// free to send it, so a server that falls behind shows its queueing (no coordinated omission).

export interface PacedResult {
  sent: number;
  ok: number;
  failed: number;
  achievedPerSec: number;
  p50: number;
  p99: number;
  max: number;
}

export async function paced(opts: {
  url: string;
  body: string;
  headers: Record<string, string>;
  ratePerSec: number;
  durationSec: number;
  connections: number;
}): Promise<PacedResult> {
  const target = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const parts = opts.body.split("[<id>]");
  const prefix = `p${process.pid.toString(36)}${Date.now().toString(36)}`;
  let counter = 0;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let inFlight = 0;

  const send = (dueAt: number) => {
    const body = parts.join(`${prefix}${(counter++).toString(36)}`);
    inFlight++;
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        agent,
        headers: { ...opts.headers, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          inFlight--;
          latencies.push(performance.now() - dueAt);
          if (res.statusCode !== undefined && res.statusCode < 300) ok++;
          else failed++;
        });
      },
    );
    req.on("error", () => {
      inFlight--;
      failed++;
    });
    req.end(body);
  };

  const start = performance.now();
  const total = Math.round(opts.ratePerSec * opts.durationSec);
  const interval = 1000 / opts.ratePerSec;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) send(start + interval * next++);
      if (next < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const ms = (x: number | undefined) => Math.round((x ?? 0) * 10) / 10;
  const at = (q: number) => ms(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  return {
    sent: total,
    ok,
    failed,
    achievedPerSec: total / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    max: ms(latencies[latencies.length - 1]),
  };
}
