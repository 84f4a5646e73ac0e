// Pacing for demo:traffic: how many messages are owed at a moment, so the rate is exact over time
// (every tick sends what the elapsed time has earned, not a rounded fixed batch per tick).

/** Messages to send now: earned by `elapsedMs` at `rate`/s, minus those sent; never past `count` (0: no end). */
export function owed(elapsedMs: number, rate: number, sent: number, count: number): number {
  const earned = Math.floor((elapsedMs / 1000) * rate + 1e-9);
  const due = count > 0 ? Math.min(earned, count) : earned;
  return Math.max(0, due - sent);
}
