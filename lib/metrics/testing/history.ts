import type Database from "better-sqlite3";
import { type Completion, Recorder } from "@/lib/delivery/recorder";
import type { JobRow } from "@/lib/delivery/store";

// Delivery history for tests: outcomes written through the delivery engine's own Recorder (so
// outcomes, rollups and samples are exactly what production writes), with a seeded random
// generator and a heavy-tailed latency distribution.

/** mulberry32: small, fast, seedable. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lognormal around `medianMs` (sigma 0.9), plus 1% between 10 and 60 seconds. */
export function heavyTailLatency(random: () => number, medianMs = 150): number {
  if (random() < 0.01) return Math.round(10_000 + random() * 50_000);
  const u = Math.max(random(), 1e-12);
  const v = random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(1, Math.round(medianMs * Math.exp(0.9 * normal)));
}

export const ERROR_MIX = [
  { errorType: "server_error", httpStatus: 500 },
  { errorType: "server_error", httpStatus: 503 },
  { errorType: "unauthorized", httpStatus: 401 },
  { errorType: "timeout", httpStatus: null },
  { errorType: "bad_request", httpStatus: 400 },
] as const;

export interface HistoryOptions {
  db: Database.Database;
  workspaceId: string;
  destinations: string[];
  sources: string[];
  from: number;
  to: number;
  count: number;
  random: () => number;
  /** Shares of outcomes (the rest is delivered). */
  notDelivered?: number;
  filtered?: number;
  unsupported?: number;
  /** Share of messages that fail once (recorded as "retried") before their final outcome. */
  retriedFirst?: number;
  firstSeq?: number;
}

export function recordHistory(o: HistoryOptions): { seqs: number } {
  const recorder = new Recorder(o.db, { flushMs: 3_600_000, samplesPerType: 5 });
  const pick = <T>(list: readonly T[]) => list[Math.floor(o.random() * list.length)]!;
  let seq = o.firstSeq ?? 1;
  for (let i = 0; i < o.count; i++) {
    const receivedAt = o.from + Math.floor(o.random() * (o.to - o.from - 60_000));
    const job: JobRow = {
      id: seq,
      destinationId: pick(o.destinations),
      workspaceId: o.workspaceId,
      sourceId: pick(o.sources),
      seq,
      messageId: `m-${seq}`,
      type: "track",
      event: "Order Completed",
      receivedAt,
      attempts: 0,
      deadlineAt: receivedAt + 4 * 3_600_000,
      payload: null,
      modified: 0,
    };
    seq++;
    const latency = heavyTailLatency(o.random);
    const at = receivedAt + latency;
    const roll = o.random();
    let attempts = 1;
    if (o.random() < (o.retriedFirst ?? 0)) {
      const e = pick(ERROR_MIX);
      const first = receivedAt + Math.floor(latency / 2);
      recorder.add({ kind: "retry", job, attempts, at: first, nextAt: at, message: "x", ...e });
      attempts++;
    }
    const nd = o.notDelivered ?? 0.05;
    const fi = o.filtered ?? 0.03;
    const un = o.unsupported ?? 0.01;
    let c: Completion;
    if (roll < nd) {
      const e = pick(ERROR_MIX);
      c = {
        kind: "final",
        status: "not_delivered",
        job,
        attempts,
        at,
        message: `HTTP ${e.httpStatus}`,
        ...e,
      };
      recorder.add(c, {
        destinationId: job.destinationId,
        workspaceId: job.workspaceId,
        errorType: e.errorType,
        seq: job.seq,
        messageId: job.messageId,
        at,
        httpStatus: e.httpStatus,
        errorMessage: `HTTP ${e.httpStatus}`,
        youSent: JSON.stringify({ type: "track", event: "Order Completed", messageId: job.messageId }),
        request: JSON.stringify({ method: "POST", url: "https://example.com/hook", headers: {}, body: "{}" }),
        response: JSON.stringify({ status: e.httpStatus, body: "nope" }),
      });
      continue;
    }
    if (roll < nd + fi + un) {
      const status = roll < nd + fi ? "filtered" : "unsupported";
      const errorType = status === "filtered" ? "destination_filter" : "unsupported_type";
      c = { kind: "final", status, job, attempts: 0, at, httpStatus: null, errorType, message: "x" };
    } else c = { kind: "delivered", job, attempts, at, latencyMs: latency, httpStatus: 200 };
    recorder.add(c);
    if (recorder.pending >= 5000) recorder.flush();
  }
  recorder.close();
  // History written into the past is older than what compaction has already derived (a running
  // server compacts at start): drop the derived tables so the next compaction rebuilds them.
  o.db.exec(
    `DELETE FROM "MetricsWatermark"; DELETE FROM "DeliveryRollupHour"; DELETE FROM "DeliveryErrorRollup";`,
  );
  return { seqs: seq };
}
