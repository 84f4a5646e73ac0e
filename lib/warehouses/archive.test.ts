import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insertSource, openMigrated, removeDbFile, tempDbFile } from "@/lib/ingest/testing/fixtures";
import { iterateRange, readChunks } from "./archive";
import { BatchPreparer, type PrepareSetup } from "./prepare";
import { scanStats } from "./scan";
import { randomMessages } from "./testing-messages";

// The preparing thread reads the archive in chunks (one blob of payloads per query, readChunks)
// rather than a row object and a string per message (iterateRange). Both must give the same
// messages, and the same warehouse rows, whatever the archive holds.

let file: string;
let db: Database.Database;
beforeEach(() => {
  file = tempDbFile("switchyard-archive-");
  db = openMigrated(file);
});
afterEach(() => {
  db.close();
  removeDbFile(file);
});

const omitting = (key: string) =>
  JSON.stringify({ omitted: [{ step: "tracking_plan", path: `properties.${key}` }] });
const blocking = JSON.stringify({ blocked: { step: "tracking_plan", reason: "not in the plan" } });

/** Stores payloads as they are, `status` and `protocol` per message: their seqs. */
function store(
  where: { workspaceId: string; id: string },
  payloads: string[],
  extra: (i: number) => { status?: string; protocol?: string | null } = () => ({}),
): number[] {
  const insert = db.prepare(
    `INSERT INTO "Message" ("workspaceId", "sourceId", "status", "receivedAt", "payload", "protocol")
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  return payloads.map((payload, i) => {
    const { status = "accepted", protocol = null } = extra(i);
    const seq = insert.run(
      where.workspaceId,
      where.id,
      status,
      1_780_000_000_000 + i * 37,
      payload,
      protocol,
    ).lastInsertRowid;
    return Number(seq);
  });
}

const plain = (rows: Iterable<{ seq: number; sourceId: string; receivedAt: number; payload: string }>) =>
  [...rows].map((r) => ({
    seq: r.seq,
    sourceId: r.sourceId,
    receivedAt: r.receivedAt,
    payload: r.payload,
    protocol: (r as { protocol?: string | null }).protocol ?? null,
  }));

describe("reading the archive in chunks", () => {
  it("gives the messages one by one would: in order, of the sources asked, accepted only", () => {
    const a = insertSource(db);
    const b = insertSource(db, { workspaceId: a.workspaceId });
    const other = insertSource(db, { workspaceId: a.workspaceId });
    for (let round = 0; round < 6; round++) {
      store(a, randomMessages(9, round), (i) => ({ status: i % 4 === 3 ? "rejected" : "accepted" }));
      store(b, randomMessages(5, 100 + round), (i) => ({
        // A verdict to apply (a second query finds it).
        protocol: round === 2 && i === 1 ? omitting("a") : null,
      }));
      store(other, randomMessages(3, 200 + round));
    }
    // Bytes that are not UTF-8 (written around the driver): that chunk too.
    const [bad] = store(a, ['{"type":"track","event":"E","messageId":"bad"}']);
    db.prepare(`UPDATE "Message" SET "payload" = CAST(X'7B2278223A22FF227D' AS TEXT) WHERE "seq" = ?`).run(
      bad,
    );
    const ids = [a.id, b.id];
    for (const [after, upTo] of [
      [0, 1_000],
      [5, 60],
      [17, 18],
      [90, 1_000],
    ] as const)
      for (const chunk of [1, 7, 2_000]) {
        const expected = plain(iterateRange(db, ids, after, upTo));
        expect(plain(readChunks(db, ids, after, upTo, chunk))).toEqual(expected);
      }
    const all = plain(readChunks(db, ids, 0, 1_000, 7));
    expect(all.length).toBe(6 * 7 + 6 * 5 + 1);
    expect(all.some((m) => m.protocol)).toBe(true);
    expect(all.at(-1)!.payload).toBe('{"x":"\uFFFD"}');
    // Chunks were read whole, verdicts included, except the one with bytes that are not UTF-8.
    const read = [...readChunks(db, ids, 0, 1_000, 7)];
    expect(read.filter((m) => m.bytes).length).toBeGreaterThanOrEqual(all.length - 7);
    expect(read.find((m) => m.protocol)!.bytes).toBeTruthy();
    expect(read.at(-1)!.bytes).toBeFalsy();
  });

  it("prepares the same warehouse rows as reading message by message", () => {
    const source = insertSource(db);
    // Some with a verdict: blocked, or with a property left out (its text is then what is scanned).
    store(source, randomMessages(6_000, 11), (i) => ({
      protocol: i % 50 === 7 ? blocking : i % 30 === 4 ? omitting(i % 60 === 4 ? "a" : "camelCase") : null,
    }));
    const setup: PrepareSetup = {
      schemas: { [source.id]: "src" },
      selection: { tables: ["aliases"], columns: ["tracks.context_locale"] },
      columns: {},
    };
    const loads = (read: typeof iterateRange) => {
      const preparer = new BatchPreparer(setup);
      const out: string[] = [];
      for (let after = 0; after < 6_000; after += 2_500) {
        const batch = preparer.prepare(
          read(db, [source.id], after, after + 2_500),
          "2026-12-06T00:00:00.000Z",
        );
        for (const l of batch!.loads)
          out.push(JSON.stringify(l.plan), Buffer.concat(l.copy).toString("utf8"));
      }
      return out;
    };
    const expected = loads(iterateRange);
    scanStats.fast = scanStats.left = 0;
    let whole = 0;
    const chunked = loads(function* (...args) {
      for (const m of readChunks(...args, 333)) {
        if (m.bytes) whole++;
        yield m;
      }
    });
    expect(whole).toBe(6_000);
    expect(chunked).toEqual(expected);
    // Most payloads were scanned where they lay; the rest went to JSON.parse through their text.
    expect(scanStats.fast).toBeGreaterThan(4_000);
    expect(scanStats.left).toBeGreaterThan(100);
  });
});
