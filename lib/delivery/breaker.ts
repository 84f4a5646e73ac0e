// Destination-level backoff (a circuit breaker). Per-message backoff alone multiplies an outage
// by the backlog: every queued message makes its own attempts. After `threshold` consecutive
// failed attempts (failures that are retried: timeouts, connection errors, 5xx, 408, 429) the
// destination is "open": nothing is sent until the next probe, when ONE message is tried
// ("probing"). A probe that fails doubles the interval (from baseMs up to maxMs; a Retry-After on
// a 429 or 503 sets it for the whole destination, up to maxRetryAfterMs); the first success closes
// the breaker and the backlog drains at full speed. The breaker never drops a message: each keeps
// its own retry deadline.
//
// Bound: while open, the destination receives at most one request per probe interval (>= baseMs),
// i.e. after the k-th failed probe at most one request every min(maxMs, baseMs x 2^k).

export type BreakerState = "closed" | "open" | "probing";

export interface BreakerConfig {
  threshold: number;
  baseMs: number;
  maxMs: number;
  /** Longest Retry-After honoured for the whole destination. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BREAKER: BreakerConfig = {
  threshold: 5,
  baseMs: 1000,
  maxMs: 30_000,
  maxRetryAfterMs: 600_000,
};

export interface BreakerSnapshot {
  state: BreakerState;
  since: number | null;
  nextProbeAt: number | null;
  failures: number;
}

export class CircuitBreaker {
  state: BreakerState = "closed";
  since: number | null = null;
  nextProbeAt: number | null = null;
  /** Consecutive failed attempts (while closed) or failed probes (while open). */
  failures = 0;
  private probes = 0;

  constructor(private readonly cfg: BreakerConfig) {}

  snapshot(): BreakerSnapshot {
    return { state: this.state, since: this.since, nextProbeAt: this.nextProbeAt, failures: this.failures };
  }

  /** May a request start now? While open, the first call at or after the probe time takes the probe. */
  tryAcquire(now: number): boolean {
    if (this.state === "closed") return true;
    if (this.state === "probing") return false;
    if (now < (this.nextProbeAt ?? 0)) return false;
    this.state = "probing";
    return true;
  }

  /** Requests may start without a probe (the breaker is closed). */
  get closed(): boolean {
    return this.state === "closed";
  }

  /** Returns true when the state changed. */
  record(result: { ok: boolean; retryAfterMs?: number }, now: number): boolean {
    if (result.ok) {
      const changed = this.state !== "closed";
      this.state = "closed";
      this.failures = 0;
      this.probes = 0;
      this.since = changed ? now : this.since;
      this.nextProbeAt = null;
      return changed;
    }
    this.failures++;
    if (this.state === "closed") {
      if (this.failures < this.cfg.threshold) return false;
      this.open(now, result.retryAfterMs);
      return true;
    }
    // A failed probe (or a request that was in flight when the breaker opened).
    const wasProbing = this.state === "probing";
    if (wasProbing) this.probes++;
    this.open(now, result.retryAfterMs);
    return wasProbing;
  }

  /**
   * Another process's view of this destination (the DestinationDeliveryState row, re-read every
   * second): a breaker opened there holds this process too, and a close there (its probe got
   * through) closes this one. While open, the later probe time wins. Returns true when the state
   * changed. A probe this process is running decides for itself.
   */
  adopt(shared: BreakerSnapshot): boolean {
    if (this.state === "probing") return false;
    if (shared.state === "closed") {
      if (this.state === "closed") return false;
      this.state = "closed";
      this.failures = 0;
      this.probes = 0;
      this.since = shared.since;
      this.nextProbeAt = null;
      return true;
    }
    const probes = Math.max(0, shared.failures - this.cfg.threshold);
    this.probes = Math.max(this.probes, probes);
    this.failures = Math.max(this.failures, shared.failures);
    this.nextProbeAt = Math.max(this.nextProbeAt ?? 0, shared.nextProbeAt ?? 0);
    if (this.state === "open") return false;
    this.state = "open";
    this.since = shared.since;
    return true;
  }

  /** Another process holds the probe: wait until `until` before trying again. */
  lostProbe(until: number): void {
    if (this.state === "probing") this.state = "open";
    this.nextProbeAt = Math.max(this.nextProbeAt ?? 0, until);
  }

  /** A probe that ended without a verdict on the destination (e.g. a 400 for that one message). */
  release(): void {
    if (this.state === "probing") this.state = "open";
  }

  private open(now: number, retryAfterMs?: number): void {
    if (this.state === "closed") {
      this.since = now;
      this.probes = 0;
    }
    this.state = "open";
    const interval = Math.min(this.cfg.maxMs, this.cfg.baseMs * 2 ** this.probes);
    const wait = Math.max(interval, Math.min(retryAfterMs ?? 0, this.cfg.maxRetryAfterMs));
    this.nextProbeAt = Math.max(this.nextProbeAt ?? 0, now + wait);
  }
}
