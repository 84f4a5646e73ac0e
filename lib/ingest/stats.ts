// Ingest counters since the process started, per source and in total, for the console.
// On globalThis: the console's route handlers (Next bundle) read what the custom server's
// ingest writes, and each loads its own copy of this module.

export interface IngestCounters {
  /** Messages of authenticated, not rate-limited requests: accepted + rejected + duplicates. */
  received: number;
  accepted: number;
  rejected: number;
  /** Acknowledged but not stored again (messageId seen in the last 24 hours). */
  duplicates: number;
  /** Messages refused with 429. */
  rateLimited: number;
}

export interface SourceCounters extends IngestCounters {
  /** Epoch ms of the last request for this source. */
  lastReceivedAt: number | null;
}

export interface IngestStats extends IngestCounters {
  since: string;
  bySource: Record<string, SourceCounters>;
}

interface State {
  since: number;
  total: IngestCounters;
  bySource: Map<string, SourceCounters>;
}

const key = Symbol.for("switchyard.ingestStats");
type G = typeof globalThis & { [key]?: State };

const zero = (): IngestCounters => ({ received: 0, accepted: 0, rejected: 0, duplicates: 0, rateLimited: 0 });

function state(): State {
  const g = globalThis as G;
  g[key] ??= { since: Date.now(), total: zero(), bySource: new Map() };
  return g[key];
}

function sourceCounters(sourceId: string): SourceCounters {
  const s = state();
  let c = s.bySource.get(sourceId);
  if (!c) {
    c = { ...zero(), lastReceivedAt: null };
    s.bySource.set(sourceId, c);
  }
  return c;
}

export function recordIngest(
  sourceId: string,
  delta: { received: number; accepted: number; rejected: number; duplicates: number },
  now: number,
): void {
  const total = state().total;
  const c = sourceCounters(sourceId);
  total.received += delta.received;
  total.accepted += delta.accepted;
  total.rejected += delta.rejected;
  total.duplicates += delta.duplicates;
  c.received += delta.received;
  c.accepted += delta.accepted;
  c.rejected += delta.rejected;
  c.duplicates += delta.duplicates;
  c.lastReceivedAt = now;
}

export function recordRateLimited(sourceId: string, messages: number, now: number): void {
  state().total.rateLimited += messages;
  const c = sourceCounters(sourceId);
  c.rateLimited += messages;
  c.lastReceivedAt = now;
}

/** A snapshot (plain JSON-safe object). */
export function ingestStats(): IngestStats {
  const s = state();
  const bySource: Record<string, SourceCounters> = {};
  for (const [id, c] of s.bySource) bySource[id] = { ...c };
  return { since: new Date(s.since).toISOString(), ...s.total, bySource };
}

export function resetIngestStats(): void {
  (globalThis as G)[key] = { since: Date.now(), total: zero(), bySource: new Map() };
}
