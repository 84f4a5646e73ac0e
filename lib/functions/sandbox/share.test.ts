import { describe, expect, it } from "vitest";
import { CpuShare } from "./share";

// A function's share of a core, on a clock the test moves: how much CPU a function gets over time
// is arithmetic here, not a measured duration.

function clocked(cpuLimitMs: number, share: number) {
  let now = 0;
  const s = new CpuShare(cpuLimitMs, share, () => now);
  return {
    s,
    advance: (ms: number) => {
      now += ms;
    },
    at: () => now,
  };
}

describe("a function's share of a core", () => {
  it("a function that loops to its limit on every event gets its share of the time, after a burst of two limits", () => {
    const { s, advance, at } = clocked(200, 0.25);
    let used = 0;
    let invocations = 0;
    while (invocations < 100) {
      const go = s.take(50);
      if (go.count === 0) {
        advance(go.waitMs);
        continue;
      }
      // One at a time, each running to the 200 ms limit.
      expect(go.count).toBe(1);
      advance(200);
      s.ended(200, go.charged);
      used += 200;
      invocations++;
    }
    // 100 x 200 ms of CPU: at a quarter of a core that takes ~80 s, less the 400 ms burst.
    expect(used).toBeLessThanOrEqual(0.25 * at() + 400 + 200);
    expect(at()).toBeGreaterThan(75_000);
  });

  it("never holds a function well within its share", () => {
    const { s, advance } = clocked(200, 0.25);
    // A trivial insert function: 0.05 ms per event, 1,000 events a second, events handed over in
    // whatever groups they come.
    for (let i = 0; i < 20_000; i++) {
      const go = s.take(1 + (i % 7));
      expect(go.count).toBe(i === 0 ? 1 : 1 + (i % 7));
      for (let k = 0; k < go.count; k++) s.ended(0.05, go.charged);
      advance(1);
    }
  });

  it("hands over one invocation until the first has ended, then as many as the credit covers", () => {
    const { s, advance } = clocked(100, 0.5);
    expect(s.take(10)).toMatchObject({ count: 1, charged: 0 });
    s.ended(40, 0); // credit 200 - 40 = 160, typical 40
    expect(s.take(10)).toMatchObject({ count: 4, charged: 40 }); // 160 / 40
    for (let i = 0; i < 4; i++) s.ended(60, 40); // each cost 20 more than charged: credit -80
    expect(s.take(10)).toMatchObject({ count: 0, waitMs: 160 }); // 80 / 0.5
    advance(160);
    expect(s.take(10)).toMatchObject({ count: 1 });
  });
});
