import { describe, expect, it } from "vitest";
import { event, sandbox } from "@/lib/functions/sandbox/testing";

// Every limit of a function's invocation (CPU time, memory, output, awaiting forever, code that
// does not load) and isolation: no Node, no process, tampering with globals undone for the next
// invocation, nothing shared between functions, a function over its share of a core held back.

describe("limits", () => {
  it("stops while(true) at the CPU limit and keeps serving the next invocations", async () => {
    const sb = sandbox(
      "destination",
      "async function onTrack(e) { if (e.event === 'loop') while (true) {} console.log('fine') }",
      { cpuMs: 150 },
    );
    const r = await sb.invoke("event", event("track", { event: "loop" }), "{}");
    expect(r).toMatchObject({ outcome: "timeout", name: "TimeoutError" });
    expect(r.message).toContain("CPU time limit of 150 ms");
    expect((await sb.invoke("event", event("track"), "{}")).logs[0]?.message).toBe("fine");
  });

  it("stops code that catches the interrupt and loops again", async () => {
    const sb = sandbox(
      "destination",
      "async function onTrack() { const spin = async () => { while (true) {} }; for (;;) { try { await spin() } catch {} } }",
      { cpuMs: 150 },
    );
    expect(await sb.invoke("event", event("track"), "{}")).toMatchObject({ outcome: "timeout" });
  });

  it("stops catastrophic regular expressions", async () => {
    const sb = sandbox("destination", "async function onTrack() { /^(a+)+$/.test('a'.repeat(40) + 'b') }", {
      cpuMs: 150,
    });
    expect(await sb.invoke("event", event("track"), "{}")).toMatchObject({ outcome: "timeout" });
  });

  it("stops an allocation loop at the memory limit and starts clean afterwards", async () => {
    const sb = sandbox(
      "destination",
      "const kept = []; async function onTrack(e) { if (e.event === 'grow') for (;;) kept.push(new Uint8Array(1 << 20), 'x'.repeat(1 << 20) + kept.length); console.log(kept.length) }",
      { memoryMb: 16, cpuMs: 10_000 },
    );
    const r = await sb.invoke("event", event("track", { event: "grow" }), "{}");
    expect(r).toMatchObject({ outcome: "memory", name: "MemoryLimitError" });
    expect(r.message).toContain("16 MB");
    expect((await sb.invoke("event", event("track"), "{}")).logs[0]?.message).toBe("0");
  });

  it.each([
    ["a huge typed array", "new Uint8Array(512 * 1024 * 1024)"],
    ["a huge string", "'x'.repeat(300 * 1024 * 1024)"],
  ])("refuses %s as out of memory", async (_what, expr) => {
    const sb = sandbox("destination", `async function onTrack() { globalThis.big = ${expr} }`, {
      memoryMb: 16,
    });
    expect(await sb.invoke("event", event("track"), "{}")).toMatchObject({ outcome: "memory" });
  });

  it("refuses output over the limit", async () => {
    const sb = sandbox("insert", "async function onTrack(e) { e.big = 'x'.repeat(5000); return e }", {
      outputBytes: 1000,
    });
    expect(await sb.invoke("event", event("track"), "{}")).toMatchObject({ outcome: "output_limit" });
  });

  it("fails invocations that await forever instead of hanging", async () => {
    const sb = sandbox("destination", "async function onTrack() { await new Promise(() => {}) }");
    expect(await sb.invoke("event", event("track"), "{}")).toMatchObject({ outcome: "error" });
  });

  it("reports code that does not load", async () => {
    const sb = sandbox("destination", "async function onTrack( {");
    const loaded = await sb.ready();
    expect(loaded.ok).toBe(false);
    expect(await sb.invoke("event", event("track"), "{}")).toMatchObject({ outcome: "load_error" });
  });
});

describe("isolation", () => {
  it("offers no process, require, import or Node globals", async () => {
    const sb = sandbox(
      "destination",
      `async function onTrack() {
        const seen = [typeof process, typeof require, typeof module, typeof globalThis.Deno, typeof std, typeof os, typeof setTimeout];
        let imported = "no";
        try { await import("fs"); imported = "yes" } catch (e) { imported = "refused" }
        const viaFunction = Function("return typeof process")();
        console.log(seen.join(","), imported, viaFunction);
      }`,
    );
    const r = await sb.invoke("event", event("track"), "{}");
    expect(r.logs[0]?.message).toBe(
      "undefined,undefined,undefined,undefined,undefined,undefined,undefined refused undefined",
    );
  });

  it("undoes tampering with globals and built-ins for the next invocation", async () => {
    const sb = sandbox(
      "insert",
      `async function onTrack(event) {
        if (event.event === "tamper") {
          try { globalThis.fetch = () => "evil" } catch {}
          try { JSON.stringify = () => "{}" } catch {}
          try { Object.prototype.polluted = true } catch {}
          try { Array.prototype.map = null } catch {}
          try { DropEvent = class {} } catch {}
          try { delete globalThis.console } catch {}
          return event
        }
        event.properties.check = [typeof fetch, typeof ({}).polluted, typeof [].map, typeof console.log, JSON.stringify({ a: 1 })];
        return event
      }`,
    );
    await sb.invoke("event", event("track", { event: "tamper" }), "{}");
    const r = await sb.invoke("event", event("track"), "{}");
    expect(JSON.parse(r.output!).properties.check).toEqual([
      "function",
      "undefined",
      "function",
      "function",
      '{"a":1}',
    ]);
  });

  it("still lets the code's own classes override name and toString", async () => {
    const sb = sandbox(
      "destination",
      `class MyError extends Error { constructor(m) { super(m); this.name = "MyError" } }
       function Legacy() {}
       Legacy.prototype.toString = function () { return "legacy" };
       async function onTrack() { console.log(String(new Legacy())); throw new MyError("mine") }`,
    );
    const r = await sb.invoke("event", event("track"), "{}");
    expect(r).toMatchObject({ outcome: "error", name: "MyError", message: "mine" });
    expect(r.logs[0]?.message).toBe("legacy");
  });

  it("shares nothing between two functions' sandboxes", async () => {
    const code =
      "var counter = 0; async function onTrack() { globalThis.mark = (globalThis.mark || 0) + 1; counter++; console.log(counter, mark) }";
    const a = sandbox("destination", code);
    const b = sandbox("destination", code);
    await a.invoke("event", event("track"), "{}");
    await a.invoke("event", event("track"), "{}");
    expect((await a.invoke("event", event("track"), "{}")).logs[0]?.message).toBe("3 3");
    expect((await b.invoke("event", event("track"), "{}")).logs[0]?.message).toBe("1 1");
  });

  it("holds back a function that loops to its limit on every event, once it is over its share of a core", async () => {
    // How much it gets over time is share.test.ts's; here, that the sandbox holds invocations back.
    const sb = sandbox("destination", "async function onTrack() { while (true) {} }", {
      cpuMs: 50,
      cpuShare: 0.25,
    });
    await sb.ready();
    let held = 0;
    const runs = Array.from({ length: 6 }, () => sb.invoke("event", event("track"), "{}"));
    const watch = setInterval(() => {
      held = Math.max(held, sb.held);
    }, 5);
    const results = await Promise.all(runs);
    clearInterval(watch);
    expect(results.map((r) => `${r.outcome} ${r.name}`)).toEqual(Array(6).fill("timeout TimeoutError"));
    expect(held).toBeGreaterThan(0);
  });

  it("an invocation that waits for its function's share longer than the wall limit fails as a timeout, retried", async () => {
    const sb = sandbox("destination", "async function onTrack() { while (true) {} }", {
      cpuMs: 50,
      cpuShare: 0.01,
      wallMs: 600,
    });
    await sb.ready();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => sb.invoke("event", event("track"), "{}")),
    );
    // The first ones ran to the CPU limit; at 1% of a core the rest would wait seconds to start.
    expect(results[0]).toMatchObject({ outcome: "timeout", name: "TimeoutError" });
    expect(results[4]).toMatchObject({ outcome: "timeout", name: "WallTimeoutError" });
    expect(results[4]!.message).toContain("share of a core");
    expect(sb.held).toBe(0);
  });

  it("keeps one function's infinite loop from delaying another function", async () => {
    const looping = sandbox("destination", "async function onTrack() { while (true) {} }", { cpuMs: 1000 });
    const quick = sandbox("destination", "async function onTrack() { console.log('quick') }");
    await quick.ready();
    const loop = looping.invoke("event", event("track"), "{}");
    const done = await Promise.race([
      quick.invoke("event", event("track"), "{}").then((r) => r.logs[0]?.message),
      loop.then(() => "loop finished first"),
    ]);
    expect(done).toBe("quick");
    expect((await loop).outcome).toBe("timeout");
  });
});
