import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DenseHistogram } from "@/lib/metrics/dense";
import { Histogram } from "@/lib/metrics/histogram";

describe("dense histogram", () => {
  it("reads and writes exactly what Histogram does", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 3_000_000 }), { maxLength: 50 }), { maxLength: 8 }),
        (parts) => {
          const texts = parts.map((values) => values.reduce((h, v) => h.add(v), new Histogram()).encode());
          const dense = texts.reduce((d, t) => d.addEncoded(t), new DenseHistogram());
          const sparse = Histogram.mergeEncoded(texts);
          expect(dense.encode()).toBe(sparse.encode());
          expect(dense.total).toBe(sparse.total);
          for (const q of [0, 0.5, 0.95, 0.99, 1]) expect(dense.quantile(q)).toBe(sparse.quantile(q));
        },
      ),
    );
  });

  it("skips malformed parts the way Histogram.decode does, without counting anything twice", () => {
    const d = new DenseHistogram().addEncoded("3:2");
    d.addEncoded("5:1,oops,7:2,9:");
    expect(d.encode()).toBe(Histogram.mergeEncoded(["3:2", "5:1,oops,7:2,9:"]).encode());
    expect(d.total).toBe(5);
    expect(new DenseHistogram().addEncoded("").total).toBe(0);
  });
});
