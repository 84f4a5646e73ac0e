import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketBounds, bucketValue, exactQuantile, Histogram, latencyBucket } from "./histogram";

describe("latency histogram", () => {
  it("gives every millisecond below 256 its own bucket", () => {
    for (let v = 0; v < 256; v++) {
      expect(latencyBucket(v)).toBe(v);
      expect(bucketValue(v)).toBe(v);
    }
  });

  it("keeps buckets contiguous, monotonic and at most 0.78% wide", () => {
    let previousUpper = 0;
    for (let i = 0; i < 256 + 128 * 22; i++) {
      const [lower, upper] = bucketBounds(i);
      expect(lower).toBe(previousUpper);
      expect(latencyBucket(lower)).toBe(i);
      expect(latencyBucket(upper - 1)).toBe(i);
      if (lower >= 256) expect((upper - lower) / lower).toBeLessThanOrEqual(1 / 128);
      previousUpper = upper;
    }
  });

  it("places any value within 0.4% of its bucket's value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (v) => {
        expect(Math.abs(bucketValue(latencyBucket(v)) - v) / v).toBeLessThanOrEqual(1 / 256);
      }),
    );
  });

  it("reads P95 over merged minutes within 2% of the exact value", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0, max: 12, noNaN: true }), { minLength: 1, maxLength: 300 }), {
          minLength: 1,
          maxLength: 10,
        }),
        (minutes) => {
          // Log-normal-ish latencies from ~1 ms to ~160 s, one histogram per minute.
          const all: number[] = [];
          const stored = minutes.map((exps) => {
            const h = new Histogram();
            for (const e of exps) {
              const ms = Math.round(Math.exp(e));
              all.push(ms);
              h.add(ms);
            }
            return h.encode();
          });
          const merged = Histogram.mergeEncoded(stored);
          for (const q of [0.5, 0.95, 0.99]) {
            const exact = exactQuantile(all, q)!;
            const approx = merged.quantile(q)!;
            expect(Math.abs(approx - exact)).toBeLessThanOrEqual(Math.max(0.5, exact * 0.02));
          }
        },
      ),
    );
  });

  it("round-trips its text form and ignores garbage", () => {
    const h = new Histogram().add(3).add(3).add(1000).add(250_000);
    const text = h.encode();
    expect(text).toMatch(/^3:2,\d+:1,\d+:1$/);
    const back = Histogram.decode(`${text},x:y,,5:-1`);
    expect(back.total).toBe(4);
    expect(back.quantile(0.5)).toBe(3);
    expect(new Histogram().quantile(0.95)).toBeNull();
  });
});
