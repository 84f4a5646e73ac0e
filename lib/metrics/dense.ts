import { bucketValue, Histogram, latencyBucket } from "@/lib/metrics/histogram";

// A histogram over every bucket index as one flat array. The dashboards merge thousands of stored
// rollup histograms per request; parsing "bucket:count,..." straight into an array (no Map, no
// split) keeps a 30-day P95 at a few milliseconds. Same buckets and nearest-rank rule as
// Histogram, so the numbers are identical.

export const BUCKET_COUNT = latencyBucket(2 ** 31 - 1) + 1;
/** (bucket, count) pairs added by the current addEncoded call, for its rollback. */
const SCRATCH = new Float64Array(2 * BUCKET_COUNT + 2);

export class DenseHistogram {
  readonly counts = new Float64Array(BUCKET_COUNT);
  total = 0;

  /** Adds a Histogram.encode() text (malformed parts are skipped, as Histogram.decode does). */
  addEncoded(text: string | null | undefined): this {
    if (!text) return this;
    const n = text.length;
    let i = 0;
    let added = 0;
    while (i < n) {
      let b = 0;
      let c = 0;
      let ch = text.charCodeAt(i);
      const bStart = i;
      while (ch >= 48 && ch <= 57) {
        b = b * 10 + ch - 48;
        ch = text.charCodeAt(++i);
      }
      if (ch !== 58 || i === bStart) return this.undoThenDecode(text, added);
      const cStart = ++i;
      ch = text.charCodeAt(i);
      while (ch >= 48 && ch <= 57) {
        c = c * 10 + ch - 48;
        ch = text.charCodeAt(++i);
      }
      if ((i < n && ch !== 44) || i === cStart || b >= BUCKET_COUNT || added >= SCRATCH.length)
        return this.undoThenDecode(text, added);
      i++;
      SCRATCH[added++] = b;
      SCRATCH[added++] = c;
      this.counts[b]! += c;
      this.total += c;
    }
    return this;
  }

  add(other: DenseHistogram): this {
    if (other.total === 0) return this;
    for (let b = 0; b < BUCKET_COUNT; b++) this.counts[b]! += other.counts[b]!;
    this.total += other.total;
    return this;
  }

  /** Nearest-rank percentile (q in 0..1) in ms; null when empty. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * this.total));
    let seen = 0;
    for (let b = 0; b < BUCKET_COUNT; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return bucketValue(b);
    }
    return null;
  }

  /** Same text as Histogram.encode(). */
  encode(): string {
    if (this.total === 0) return "";
    const parts: string[] = [];
    for (let b = 0; b < BUCKET_COUNT; b++) if (this.counts[b]! > 0) parts.push(`${b}:${this.counts[b]}`);
    return parts.join(",");
  }

  // Text this parser does not expect (hand-edited, or a future format): take back what it added
  // and use the tolerant decoder, so nothing is counted twice.
  private undoThenDecode(text: string, added: number): this {
    for (let k = 0; k < added; k += 2) {
      this.counts[SCRATCH[k]!]! -= SCRATCH[k + 1]!;
      this.total -= SCRATCH[k + 1]!;
    }
    for (const [b, c] of Histogram.decode(text).counts) {
      if (b >= BUCKET_COUNT) continue;
      this.counts[b]! += c;
      this.total += c;
    }
    return this;
  }
}
