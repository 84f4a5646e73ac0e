import { describe, expect, it } from "vitest";
import {
  bucketStarts,
  customBucketMs,
  DAY,
  HOUR,
  MAX_BUCKETS,
  MINUTE,
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
  it("gives each preset a bucket size that fits it, ending with the bucket that holds now", () => {
    const cases = {
      "1h": [MINUTE, 60],
      "24h": [15 * MINUTE, 96],
      "7d": [2 * HOUR, 84],
      "30d": [6 * HOUR, 120],
    };
    for (const [period, [bucketMs, buckets]] of Object.entries(cases)) {
      const w = resolveWindow(periodQuery.parse({ period }), NOW);
      expect(w.bucketMs).toBe(bucketMs);
      expect(bucketStarts(w)).toHaveLength(buckets!);
      expect(w.from % bucketMs!).toBe(0);
      expect(w.to).toBeGreaterThan(NOW);
      expect(w.to - bucketMs!).toBeLessThanOrEqual(NOW);
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

  it("rejects bad ranges with a message naming the field", () => {
    expect(message({ period: "2h" })).toMatch(/^period: period must be one of 1h, 24h, 7d, 30d/);
    expect(message({ from: iso(NOW), to: iso(NOW - 1) })).toBe("to: from must be before to");
    expect(message({ from: iso(NOW - 91 * DAY), to: iso(NOW) })).toBe(
      "to: A custom range can be at most 90 days",
    );
    expect(message({ from: iso(NOW) })).toBe("to: A custom range needs both from and to");
    expect(message({ from: "yesterday", to: iso(NOW) })).toMatch(/^from: from must be an ISO 8601 date-time/);
    expect(message({ period: "1h", from: iso(NOW - HOUR), to: iso(NOW) })).toMatch(/^period: Give either/);
    expect(message({ from: iso(NOW - 90 * DAY), to: iso(NOW) })).toBeNull();
  });
});
