// Latency histograms for the delivery rollups and the Event Delivery dashboards. Log-linear
// buckets (HdrHistogram style): every millisecond below 256 ms has its own bucket, and each
// power of two above is split into 128 equal buckets, so a bucket is at most 1/128 (0.78%) of
// its lower bound wide and its midpoint is within 0.4% of any value in it. A percentile read
// from merged per-minute histograms is therefore within 0.4% of the exact percentile of the
// raw latencies (nearest-rank), for any window. Integer arithmetic only, so the browser, the
// server and SQL (if ever needed) agree on the bucket of a value.

const EXACT = 256; // values below this are their own bucket
const SUB = 128; // buckets per power of two above EXACT
const SUB_BITS = 7; // log2(SUB)
const MAX_VALUE = 2 ** 31 - 1; // ~24.8 days in ms; larger values share the last bucket

/** The bucket index of a latency in milliseconds (rounded to a whole millisecond). */
export function latencyBucket(ms: number): number {
  const v = Number.isFinite(ms) ? Math.min(MAX_VALUE, Math.max(0, Math.round(ms))) : MAX_VALUE;
  if (v < EXACT) return v;
  const exponent = 31 - Math.clz32(v); // floor(log2(v)), >= 8 here
  const shift = exponent - SUB_BITS;
  return EXACT + (exponent - 8) * SUB + (Math.floor(v / 2 ** shift) - SUB);
}

/** [lower, upper) of a bucket, in whole milliseconds. */
export function bucketBounds(index: number): [number, number] {
  if (index < EXACT) return [index, index + 1];
  const k = index - EXACT;
  const exponent = 8 + Math.floor(k / SUB);
  const width = 2 ** (exponent - SUB_BITS);
  const lower = (SUB + (k % SUB)) * width;
  return [lower, lower + width];
}

/** The value a bucket stands for: the midpoint of the whole milliseconds it holds. */
export function bucketValue(index: number): number {
  const [lower, upper] = bucketBounds(index);
  return (lower + upper - 1) / 2;
}

/** A sparse histogram of bucket -> count. */
export class Histogram {
  readonly counts = new Map<number, number>();
  total = 0;

  add(ms: number, count = 1): this {
    const b = latencyBucket(ms);
    this.counts.set(b, (this.counts.get(b) ?? 0) + count);
    this.total += count;
    return this;
  }

  merge(other: Histogram): this {
    for (const [b, c] of other.counts) this.counts.set(b, (this.counts.get(b) ?? 0) + c);
    this.total += other.total;
    return this;
  }

  /** Nearest-rank percentile (q in 0..1) in ms; null when empty. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * this.total));
    let seen = 0;
    for (const b of [...this.counts.keys()].sort((x, y) => x - y)) {
      seen += this.counts.get(b)!;
      if (seen >= rank) return bucketValue(b);
    }
    return null;
  }

  /** Compact text for storage: "bucket:count,..." in bucket order. */
  encode(): string {
    return [...this.counts.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([b, c]) => `${b}:${c}`)
      .join(",");
  }

  static decode(text: string | null | undefined): Histogram {
    const h = new Histogram();
    if (!text) return h;
    for (const part of text.split(",")) {
      const sep = part.indexOf(":");
      const b = Number(part.slice(0, sep));
      const c = Number(part.slice(sep + 1));
      if (sep > 0 && Number.isInteger(b) && b >= 0 && Number.isFinite(c) && c > 0) {
        h.counts.set(b, (h.counts.get(b) ?? 0) + c);
        h.total += c;
      }
    }
    return h;
  }

  /** Merges stored rollup histograms (e.g. every minute of a dashboard window). */
  static mergeEncoded(texts: Iterable<string | null | undefined>): Histogram {
    const h = new Histogram();
    for (const t of texts) h.merge(Histogram.decode(t));
    return h;
  }
}

/** Exact nearest-rank percentile of raw values, for tests and benchmarks. */
export function exactQuantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
