import { describe, expect, it } from "vitest";
import {
  bucketIndex,
  bucketStarts,
  customBucketMs,
  DAY,
  HOUR,
  MAX_BUCKETS,
  MINUTE,
  PRESETS,
  periodQuery,
  resolveWindow,
} from "@/lib/metrics/period";

const NOW = Date.UTC(2026, 6, 14, 15, 47, 31);
const iso = (t: number) => new Date(t).toISOString();
const message = (input: Record<string, string>) => {
  const r = periodQuery.safeParse(input);
  return r.success ? null : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
};

describe("time periods", () => {
  it("gives each preset a bucket size that fits it, a window that ends at the present, and UTC-aligned buckets", () => {
    const cases = {
      "1h": [MINUTE, 61],
      "24h": [15 * MINUTE, 97],
      "7d": [2 * HOUR, 85],
      "30d": [6 * HOUR, 121],
    };
    for (const [period, [bucketMs, buckets]] of Object.entries(cases)) {
      const w = resolveWindow(periodQuery.parse({ period }), NOW);
      expect(w.bucketMs).toBe(bucketMs);
      expect(bucketStarts(w)).toHaveLength(buckets!);
      expect(w.to).toBe(NOW);
      expect(w.from).toBe(Math.floor((NOW - PRESETS[period as "1h"].durationMs) / MINUTE) * MINUTE);
      expect(
        bucketStarts(w)
          .slice(1)
          .every((t) => t % bucketMs! === 0),
      ).toBe(true);
      expect(bucketIndex(w, NOW - 1)).toBe(buckets! - 1);
      expect(bucketIndex(w, w.from)).toBe(0);
    }
    expect(resolveWindow(periodQuery.parse({}), NOW).period).toBe("24h");
  });

  it("sizes custom buckets to stay between a handful and 200, on whole minutes or hours", () => {
    expect(customBucketMs(10 * MINUTE)).toBe(MINUTE);
    expect(customBucketMs(3 * HOUR)).toBe(MINUTE);
    expect(customBucketMs(DAY)).toBe(15 * MINUTE);
    expect(customBucketMs(90 * DAY)).toBe(12 * HOUR);
    for (const span of [HOUR, 5 * HOUR, 2 * DAY, 5 * DAY, 13 * DAY, 45 * DAY, 90 * DAY]) {
      const w = resolveWindow({ from: iso(NOW - span - 12_345), to: iso(NOW - 6789) }, NOW);
      const n = bucketStarts(w).length;
      expect(n).toBeLessThanOrEqual(MAX_BUCKETS);
      expect(n).toBeGreaterThanOrEqual(50);
      expect(w.from % (w.bucketMs >= HOUR ? HOUR : MINUTE)).toBe(0);
      expect(w.from).toBeLessThanOrEqual(NOW - span - 12_345);
      expect(w.to).toBeGreaterThanOrEqual(NOW - 6789);
    }
  });

  it("never ends a custom range in the future", () => {
    const w = resolveWindow({ from: iso(NOW - HOUR), to: iso(NOW + HOUR) }, NOW);
    expect(w.to).toBe(NOW);
  });

  it("rejects bad ranges in words a user understands", () => {
    expect(message({ period: "2h" })).toMatch(/^period: period must be one of 1h, 24h, 7d, 30d/);
    expect(message({ from: iso(NOW), to: iso(NOW - 1) })).toBe("to: The start must be before the end");
    expect(message({ from: iso(NOW - 91 * DAY), to: iso(NOW) })).toBe(
      "to: A custom range can be at most 90 days",
    );
    expect(message({ from: iso(NOW) })).toBe("to: A custom range needs both a start and an end");
    expect(message({ from: "yesterday", to: iso(NOW) })).toMatch(/^from: The start must be a date and time/);
    expect(message({ period: "1h", from: iso(NOW - HOUR), to: iso(NOW) })).toMatch(/^period: Choose either/);
    expect(message({ from: iso(NOW - 90 * DAY), to: iso(NOW) })).toBeNull();
  });
});
