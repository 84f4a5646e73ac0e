// Per-source token bucket, counted in messages (a 2,500-message batch costs 2,500 tokens, a
// /v1/track call costs 1). The bucket holds one second's worth. A request larger than the
// whole bucket is let through when the bucket is full and leaves it in debt, so big batches
// are slowed down rather than refused forever.

export interface RateLimitDecision {
  /** Milliseconds until the request would be allowed. */
  retryAfterMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(readonly perSecond: number) {}

  get enabled(): boolean {
    return this.perSecond > 0;
  }

  /** Takes `cost` tokens for `key`; null when allowed, otherwise how long to wait. */
  take(key: string, cost: number, now: number): RateLimitDecision | null {
    if (!this.enabled) return null;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.perSecond, updated: now };
      this.buckets.set(key, bucket);
    } else {
      const refill = ((now - bucket.updated) / 1000) * this.perSecond;
      bucket.tokens = Math.min(this.perSecond, bucket.tokens + refill);
      bucket.updated = now;
    }
    const needed = Math.min(cost, this.perSecond);
    if (bucket.tokens >= needed) {
      bucket.tokens -= cost;
      return null;
    }
    return { retryAfterMs: Math.ceil(((needed - bucket.tokens) / this.perSecond) * 1000) };
  }
}

/** Headers of a 429: Retry-After in whole seconds, X-RateLimit-Reset as an epoch second. */
export function rateLimitHeaders(
  decision: RateLimitDecision,
  limit: number,
  now: number,
): Record<string, string> {
  return {
    "retry-after": String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))),
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-reset": String(Math.ceil((now + decision.retryAfterMs) / 1000)),
  };
}
