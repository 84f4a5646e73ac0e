// "Did you mean Order Completed?": guided setup waits for exact event names, so an event sent as
// "order completed" or "order_completed" would otherwise be ignored without a word. Candidates are
// the names a source has sent (the Source Schema's entries, one row per name, not per event), so
// the check costs the same however busy the source is.

/** Case, spaces, underscores, hyphens and dots do not make a different name to a person. */
export function normalizeEventName(name: string): string {
  return name.toLowerCase().replace(/[\s_.-]+/g, "");
}

/** Levenshtein distance, giving up (returning max + 1) as soon as it must exceed `max`. */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      row.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/** Typos allowed: none for short names (too many false friends), one from 6 characters, two from 12. */
const allowedTypos = (normalized: string) => (normalized.length >= 12 ? 2 : normalized.length >= 6 ? 1 : 0);

/**
 * The received name closest to `expected` that is not `expected` itself, or null. Same name once
 * normalized wins over a typo; among typos the smaller distance, then the first given (callers
 * pass the most recently seen first).
 */
export function nearMiss(expected: string, received: readonly string[]): string | null {
  const target = normalizeEventName(expected);
  const max = allowedTypos(target);
  let best: { name: string; distance: number } | null = null;
  for (const name of received) {
    if (name === expected) continue;
    const d = boundedDistance(normalizeEventName(name), target, max);
    if (d <= max && (!best || d < best.distance)) {
      best = { name, distance: d };
      if (d === 0) break;
    }
  }
  return best?.name ?? null;
}
