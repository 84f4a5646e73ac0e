import { describe, expect, it, vi } from "vitest";
import { SingleFlight } from "@/lib/db/off-loop";

// The delivery engine's periodic work (health, replays, pruning, the every-second refresh) runs
// through SingleFlight: a timer that fires while the previous run is still waiting on PostgreSQL
// must not start a second one on top of it, and a run that fails must not stop the next.

describe("SingleFlight", () => {
  it("starts no second run while one is on its way, and runs again once it is done", async () => {
    let started = 0;
    let finish = () => {};
    const work = new SingleFlight("test work", () => {
      started++;
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    });
    work.run();
    work.run();
    work.run();
    expect(started).toBe(1);
    finish();
    await work.idle();
    work.run();
    expect(started).toBe(2);
    finish();
    await work.idle();
  });

  it("runs synchronous work every time", () => {
    let started = 0;
    const work = new SingleFlight("test work", () => {
      started++;
    });
    work.run();
    work.run();
    expect(started).toBe(2);
  });

  it("logs a failure (thrown or rejected) with what failed, and runs again next time", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      let calls = 0;
      const work = new SingleFlight("delivery: pruning", () => {
        calls++;
        if (calls === 1) throw new Error("boom");
        if (calls === 2) return Promise.reject(new Error("refused"));
        return undefined;
      });
      work.run();
      work.run();
      await work.idle();
      work.run();
      expect(calls).toBe(3);
      expect(logged.mock.calls.map((c) => [c[0], (c[1] as Error).message])).toEqual([
        ["[switchyard] delivery: pruning failed:", "boom"],
        ["[switchyard] delivery: pruning failed:", "refused"],
      ]);
    } finally {
      logged.mockRestore();
    }
  });
});
