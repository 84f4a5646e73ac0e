import { z } from "zod";
import { type BreakerConfig, DEFAULT_BREAKER } from "@/lib/delivery/breaker";

// Delivery settings, validated from the environment when delivery starts (lib/env.ts covers the
// rest of the configuration); every value can also be overridden per runner, which the tests use
// to keep timeouts and backoff short.

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const num = (def: number, min: number, max: number) => z.coerce.number().min(min).max(max).default(def);

const schema = z.object({
  /** Per-request timeout (connect to last byte). */
  DELIVERY_TIMEOUT_MS: num(5000, 100, 120_000),
  /** How long after it was received a message may still be retried. */
  DELIVERY_DEADLINE_HOURS: num(4, 0.001, 72),
  /** Requests in flight per destination. */
  DELIVERY_CONCURRENCY: num(16, 1, 256),
  DELIVERY_BACKOFF_BASE_MS: num(1000, 1, 3_600_000),
  DELIVERY_BACKOFF_MAX_MS: num(600_000, 1, 86_400_000),
  /** How long a claimed job stays leased (default 3 x timeout + 10 s); a crashed runner's jobs return after it. */
  DELIVERY_LEASE_MS: z.coerce.number().min(100).max(86_400_000).optional(),
  /** How often the router looks for new archive rows when nothing woke it. */
  DELIVERY_POLL_MS: num(50, 5, 10_000),
  DELIVERY_ROLLUP_RETENTION_DAYS: num(90, 1, 3650),
  ARCHIVE_RETENTION_DAYS: num(7, 0.001, 3650),
  ALLOW_PRIVATE_DESTINATIONS: bool.default(false),
  /** Consecutive failed attempts after which a destination is probed one message at a time. */
  DELIVERY_BREAKER_THRESHOLD: num(5, 1, 10_000),
  /** First probe interval of an open breaker (doubles per failed probe). */
  DELIVERY_BREAKER_BASE_MS: num(1000, 10, 3_600_000),
  /** Longest probe interval. */
  DELIVERY_BREAKER_MAX_MS: num(30_000, 10, 3_600_000),
  /** Messages a replay queues per second (per replay), so live traffic keeps its latency. */
  DELIVERY_REPLAY_RATE: num(200, 1, 100_000),
});

export interface DeliveryConfig {
  timeoutMs: number;
  deadlineMs: number;
  concurrency: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  pollMs: number;
  /**
   * Lease on a claimed job: a crashed runner's jobs are retried after this. Covers a job's wait in
   * a worker's queue (at most two rounds of requests) plus its own attempt.
   */
  leaseMs: number;
  /** Completed attempts are written in one transaction at most this often. */
  flushMs: number;
  /** Shortest gap between two routing transactions (groups bursts into one commit). */
  routeIntervalMs: number;
  /** Jobs a worker holds in memory beyond those in flight. */
  prefetch: number;
  allowPrivate: boolean;
  outcomeRetentionMs: number;
  rollupRetentionMs: number;
  /** Failure samples kept per destination and error type. */
  samplesPerType: number;
  /** How often destinations' health is re-evaluated. */
  healthIntervalMs: number;
  /** How often the destination list (settings, filters, connections) is re-read. */
  configRefreshMs: number;
  /** Destination-level backoff (lib/delivery/breaker.ts). */
  breaker: BreakerConfig;
  /** Messages a replay queues per step, and how often it steps. */
  replayRate: number;
  replayIntervalMs: number;
}

const DAY = 86_400_000;

export function loadDeliveryConfig(source: Record<string, string | undefined> = process.env): DeliveryConfig {
  const picked = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, source[k] || undefined]));
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid delivery configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    timeoutMs: e.DELIVERY_TIMEOUT_MS,
    deadlineMs: e.DELIVERY_DEADLINE_HOURS * 3_600_000,
    concurrency: Math.floor(e.DELIVERY_CONCURRENCY),
    backoffBaseMs: e.DELIVERY_BACKOFF_BASE_MS,
    backoffMaxMs: e.DELIVERY_BACKOFF_MAX_MS,
    pollMs: e.DELIVERY_POLL_MS,
    leaseMs: e.DELIVERY_LEASE_MS ?? 3 * e.DELIVERY_TIMEOUT_MS + 10_000,
    flushMs: 50,
    routeIntervalMs: 5,
    prefetch: 256,
    allowPrivate: e.ALLOW_PRIVATE_DESTINATIONS,
    outcomeRetentionMs: e.ARCHIVE_RETENTION_DAYS * DAY,
    rollupRetentionMs: e.DELIVERY_ROLLUP_RETENTION_DAYS * DAY,
    samplesPerType: 5,
    healthIntervalMs: 15_000,
    configRefreshMs: 1000,
    replayRate: Math.floor(e.DELIVERY_REPLAY_RATE),
    replayIntervalMs: 1000,
    breaker: {
      ...DEFAULT_BREAKER,
      threshold: Math.floor(e.DELIVERY_BREAKER_THRESHOLD),
      baseMs: e.DELIVERY_BREAKER_BASE_MS,
      maxMs: Math.max(e.DELIVERY_BREAKER_MAX_MS, e.DELIVERY_BREAKER_BASE_MS),
    },
  };
}
