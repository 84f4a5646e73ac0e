import { describe, expect, it } from "vitest";
import { owed } from "./demo-pace";

describe("demo:traffic pacing", () => {
  // Ticks every 250 ms, as the script does: the total sent after each second is the rate exactly.
  const simulate = (rate: number, seconds: number, count = 0) => {
    let sent = 0;
    const perSecond: number[] = [];
    for (let t = 250; t <= seconds * 1000; t += 250) {
      sent += owed(t, rate, sent, count);
      if (t % 1000 === 0) perSecond.push(sent);
    }
    return perSecond;
  };

  it("sends exactly --rate events per second, also when the rate is not a multiple of the ticks", () => {
    expect(simulate(5, 4)).toEqual([5, 10, 15, 20]);
    expect(simulate(1, 3)).toEqual([1, 2, 3]);
    expect(simulate(7, 2)).toEqual([7, 14]);
    expect(simulate(1000, 2)).toEqual([1000, 2000]);
  });

  it("stops at --count", () => {
    expect(simulate(5, 4, 12)).toEqual([5, 10, 12, 12]);
  });

  it("catches up after a slow tick instead of losing events", () => {
    expect(owed(2000, 5, 3, 0)).toBe(7);
  });
});
