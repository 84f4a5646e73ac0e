// When to try again. Exponential backoff with "equal jitter": the n-th retry waits between half
// and all of base * 2^(n-1) (capped), so retries of many messages failing together spread out
// instead of hitting a recovering destination in waves. A Retry-After from the destination
// replaces the computed delay (it knows its own limits), but never beyond the deadline.

export interface BackoffConfig {
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export function backoffDelay(
  attempt: number,
  cfg: BackoffConfig,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(cfg.backoffMaxMs, cfg.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export type RetryPlan = { retry: true; at: number } | { retry: false; reason: string };

/** Whether a failed attempt (the `attempts`-th) gets another try, and when. */
export function planRetry(opts: {
  attempts: number;
  now: number;
  deadlineAt: number;
  retryAfterMs?: number;
  cfg: BackoffConfig;
  random?: () => number;
}): RetryPlan {
  const delay = opts.retryAfterMs ?? backoffDelay(opts.attempts, opts.cfg, opts.random);
  const at = opts.now + Math.max(0, delay);
  if (at > opts.deadlineAt) {
    const hours = (opts.deadlineAt - opts.now) / 3_600_000;
    return {
      retry: false,
      reason:
        opts.now >= opts.deadlineAt
          ? `gave up after ${opts.attempts} attempt${opts.attempts === 1 ? "" : "s"}: the retry deadline has passed`
          : `gave up after ${opts.attempts} attempt${opts.attempts === 1 ? "" : "s"}: the next try would fall after the retry deadline (${hours.toFixed(2)} h left)`,
    };
  }
  return { retry: true, at };
}
