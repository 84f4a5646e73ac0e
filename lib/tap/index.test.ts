import { describe, expect, it, vi } from "vitest";
import { createTap, getTap, type TapEvent } from "@/lib/tap";

const event = (over: Partial<TapEvent> = {}): TapEvent => ({
  seq: 1,
  sourceId: "src_a",
  workspaceId: "ws_1",
  status: "accepted",
  receivedAt: Date.now(),
  message: { type: "track", event: "E" },
  ...over,
});

describe("tap", () => {
  it("delivers events to the subscribers of their source only", () => {
    const tap = createTap();
    const a: number[] = [];
    const b: number[] = [];
    tap.subscribe("src_a", (e) => a.push(e.seq));
    tap.subscribe("src_b", (e) => b.push(e.seq));
    tap.publish([event({ seq: 1 }), event({ seq: 2, sourceId: "src_b" }), event({ seq: 3 })]);
    expect(a).toEqual([1, 3]);
    expect(b).toEqual([2]);
  });

  it("delivers every source of a workspace to a workspace subscriber", () => {
    const tap = createTap();
    const seen: string[] = [];
    tap.subscribeWorkspace("ws_1", (e) => seen.push(e.sourceId));
    tap.publish([event(), event({ sourceId: "src_new" }), event({ workspaceId: "ws_2", sourceId: "src_x" })]);
    expect(seen).toEqual(["src_a", "src_new"]);
  });

  it("stops delivering after unsubscribe and reports whether anyone listens", () => {
    const tap = createTap();
    const listener = vi.fn();
    const off = tap.subscribe("src_a", listener);
    expect(tap.hasSubscribers("src_a", "ws_1")).toBe(true);
    expect(tap.hasSubscribers("src_b", "ws_2")).toBe(false);
    off();
    off();
    tap.publish([event()]);
    expect(listener).not.toHaveBeenCalled();
    expect(tap.hasSubscribers("src_a", "ws_1")).toBe(false);
  });

  it("isolates a throwing listener from the others", () => {
    const tap = createTap();
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const good = vi.fn();
    tap.subscribe("src_a", () => {
      throw new Error("boom");
    });
    tap.subscribe("src_a", good);
    expect(() => tap.publish([event(), event({ seq: 2 })])).not.toThrow();
    expect(good).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });

  it("shares one tap per process through globalThis", () => {
    expect(getTap()).toBe(getTap());
    expect((globalThis as Record<symbol, unknown>)[Symbol.for("switchyard.tap")]).toBe(getTap());
  });
});
