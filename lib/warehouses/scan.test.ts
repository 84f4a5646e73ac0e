import { describe, expect, it } from "vitest";
import { BatchPreparer, type PreparedBatch, type PrepareSetup, setScanning } from "./prepare";
import { scanStats } from "./scan";
import { randomMessages, STRINGS } from "./testing-messages";
import { isIsoTimestamp, isIsoTimestampBytes } from "./types";

// The loader has two ways from a payload to its rows: JSON.parse and a walk of the object
// (flatten.ts), and a scan of the payload's bytes (scan.ts). Whatever the messages, both must give
// the warehouse exactly the same tables, columns, types, conflicts and COPY bytes.

let seed = 0;
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

/** Every batch's loads as text: the plans and the COPY bytes. */
function prepareAll(payloads: string[], scan: boolean, setup: PrepareSetup, sources = ["s"]): string[] {
  setScanning(scan);
  try {
    const preparer = new BatchPreparer(setup);
    const out: string[] = [];
    for (let b = 0; b < payloads.length; b += 2000) {
      const rows = payloads.slice(b, b + 2000).map((payload, i) => ({
        seq: b + i + 1,
        sourceId: sources[(b + i) % sources.length]!,
        receivedAt: 1_780_000_000_000 + Math.floor((b + i) / 7),
        payload,
        protocol: null,
      }));
      const batch = preparer.prepare(rows, "2026-12-06T00:00:00.000Z") as PreparedBatch;
      for (const l of batch.loads) out.push(JSON.stringify(l.plan), Buffer.concat(l.copy).toString("utf8"));
    }
    return out;
  } finally {
    setScanning(true);
  }
}

describe("scanning payloads in place", () => {
  it("gives exactly what JSON.parse and the walk give, on every kind of message", () => {
    const payloads = randomMessages(12_000, 7);
    const setup: PrepareSetup = {
      schemas: { s: "src" },
      selection: { tables: ["aliases"], columns: ["tracks.context_locale", "pages.url"] },
      // Existing columns whose types values will conflict with.
      columns: { src: { pages: { id: "text", name: "bigint", properties_x: "boolean" } } },
    };
    const slow = prepareAll(payloads, false, setup);
    scanStats.fast = scanStats.left = 0;
    const fast = prepareAll(payloads, true, setup);
    expect(fast.length).toBe(slow.length);
    for (let i = 0; i < slow.length; i++) expect(fast[i]).toBe(slow[i]);
    // Most messages took the scan; the rest (escaped keys, repeated keys, …) the walk.
    expect(scanStats.fast).toBeGreaterThan(8_000);
    expect(scanStats.left).toBeGreaterThan(500);
    // The loads hold conflicts and every table.
    expect(fast.join("\n")).toContain('"_conflicts"');
    expect(new Set(fast.filter((_, i) => i % 2 === 0).map((p) => JSON.parse(p).table)).size).toBeGreaterThan(
      10,
    );
  });

  it("keeps the rows of two schemas apart when their messages alternate", () => {
    // Two sources of one warehouse load into two schemas, each batch written by a builder per
    // schema: a message's rows must be written out before the next payload is scanned.
    const payloads = randomMessages(4_000, 3);
    const setup: PrepareSetup = {
      schemas: { s: "one", t: "two" },
      selection: { tables: [], columns: [] },
      columns: {},
    };
    const slow = prepareAll(payloads, false, setup, ["s", "t"]);
    const fast = prepareAll(payloads, true, setup, ["s", "t"]);
    expect(fast.length).toBe(slow.length);
    for (let i = 0; i < slow.length; i++) expect(fast[i]).toBe(slow[i]);
    expect(new Set(slow.filter((_, i) => i % 2 === 0).map((p) => JSON.parse(p).table)).size).toBeGreaterThan(
      5,
    );
  });

  it("tells timestamps from bytes exactly as from strings", () => {
    seed = 11;
    const n2 = (max: number) => String(Math.floor(random() * max)).padStart(2, "0");
    const stamp = () => {
      let s = `${String(Math.floor(random() * 2101)).padStart(4, "0")}-${n2(14)}-${n2(33)}`;
      if (random() < 0.2) return s;
      s += `${pick(["T", " "])}${n2(26)}:${n2(61)}`;
      if (random() < 0.8) s += `:${n2(61)}`;
      if (random() < 0.5) s += `.${"0123456789".slice(0, Math.floor(random() * 11))}`;
      const z = random();
      if (z < 0.3) s += "Z";
      else if (z < 0.8) s += `${pick(["+", "-"])}${n2(17)}${pick([":", ""])}${random() < 0.8 ? n2(61) : ""}`;
      return s;
    };
    const alphabet = "0123456789-:T Z+.x";
    const cases = new Set<string>(STRINGS);
    for (let i = 0; i < 40_000; i++) {
      let s = stamp();
      cases.add(s);
      const at = Math.floor(random() * (s.length + 1));
      const c = pick([...alphabet]);
      const r = random();
      s =
        r < 0.4
          ? s.slice(0, at) + c + s.slice(at + 1)
          : r < 0.7
            ? s.slice(0, at) + s.slice(at + 1)
            : s.slice(0, at) + c + s.slice(at);
      cases.add(s);
      cases.add(s.slice(0, Math.floor(random() * s.length)));
    }
    let valid = 0;
    for (const s of cases) {
      const bytes = Buffer.from(`"${s}"`);
      const expected = isIsoTimestamp(s);
      if (isIsoTimestampBytes(bytes, 1, bytes.length - 1) !== expected)
        expect.fail(`${JSON.stringify(s)}: ${expected}`);
      if (expected) valid++;
    }
    expect(valid).toBeGreaterThan(5_000);
    expect(cases.size - valid).toBeGreaterThan(50_000);
  });
});
