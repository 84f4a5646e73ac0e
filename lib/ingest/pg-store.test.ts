import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPgPool } from "@/lib/db/pg";
import { insertPgSource, type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { pgAvailable } from "@/lib/db/pg-testing";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { type ArchivedMessage, DEDUP_WINDOW_MS } from "@/lib/ingest/store";

// The PostgreSQL archive against a real server (a database of its own, dropped after).

let pg: MigratedPg;
let store: PgArchiveStore;
let source: { id: string; workspaceId: string };
// PostgreSQL at TEST_PG_URL (README); without one these tests are skipped.
const available = await pgAvailable();
beforeAll(async () => {
  if (!available) return;
  pg = await openMigratedPg();
  store = new PgArchiveStore(pg.pool, { schemaFlushMs: 0 });
  source = await insertPgSource(pg.pool);
});
afterAll(() => pg?.close());

let n = 0;
function message(over: Partial<ArchivedMessage> = {}): ArchivedMessage {
  n++;
  const type = over.type ?? "track";
  return {
    workspaceId: source.workspaceId,
    sourceId: source.id,
    messageId: `pg-${n}-${Math.random()}`,
    type,
    event: type === "track" ? "Order Completed" : null,
    userId: "u1",
    anonymousId: null,
    status: "accepted",
    reason: null,
    receivedAt: Date.now(),
    payload: JSON.stringify({ type, n, note: "Hello World" }),
    dedup: true,
    ...over,
  };
}

describe.skipIf(!available)("PgArchiveStore", () => {
  it("stores a group in input order and drops duplicates within it and across groups", async () => {
    const a = message();
    const b = message();
    const first = await store.append([a, b, { ...a, payload: "{}" }]);
    expect(first.stored).toBe(2);
    expect(first.duplicates).toBe(1);
    expect(first.seqs[0]).toBeLessThan(first.seqs[1]!);
    expect(first.seqs[2]).toBeNull();
    const again = await store.append([{ ...b }, message()]);
    expect(again.seqs[0]).toBeNull();
    expect(again.stored).toBe(1);
    const rows = await store.recent(source.id, { limit: 10 });
    expect(rows.filter((r) => r.messageId === a.messageId)).toHaveLength(1);
    expect(rows[0]!.seq).toBeGreaterThan(rows[1]!.seq);
  });

  it("stores large groups in input order with their own rows, one after another", async () => {
    const large = new PgArchiveStore(pg.pool, { schemaFlushMs: 0, oneStatementRows: 100 });
    // Rounds alternate between the one-statement commit and the two-statement one.
    for (let round = 0; round < 4; round++) {
      const writer = round % 2 === 0 ? large : store;
      const fresh = Array.from({ length: 120 }, (_, i) => message({ payload: JSON.stringify({ round, i }) }));
      // Ten repeats of earlier rows in the same group: duplicates, not stored.
      const group = [...fresh.slice(0, 60), ...fresh.slice(0, 10).map((m) => ({ ...m })), ...fresh.slice(60)];
      const r = await writer.append(group);
      expect(r.stored).toBe(120);
      expect(r.duplicates).toBe(10);
      expect(r.seqs.slice(60, 70)).toEqual(Array(10).fill(null));
      const seqs = r.seqs.filter((x): x is number => x !== null);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs); // input order = seq order
      const { rows } = await pg.pool.query(
        `SELECT "messageId", "payload" FROM "Message" WHERE "seq" = ANY($1) ORDER BY "seq"`,
        [seqs],
      );
      // Each stored row is the group's own message.
      expect(rows.map((x) => x.messageId)).toEqual(fresh.map((m) => m.messageId));
      expect(rows.map((x) => JSON.parse(x.payload))).toEqual(fresh.map((_, i) => ({ round, i })));
    }
  });

  it.each([
    ["two statements (small groups)", {}],
    ["one statement (large groups)", { oneStatementRows: 1 }],
  ])(
    "stores every column exactly, whatever the values hold (nulls, empty, quotes, separators): %s",
    async (_, opts) => {
      const store = new PgArchiveStore(pg.pool, { schemaFlushMs: 0, ...opts });
      // Text columns travel joined by U+001E with NULL as U+001F (lib/db/pg-sql.ts packColumn);
      // values holding those characters, and one-row groups, travel as arrays instead.
      const awkward = [
        message({ event: "", userId: null, anonymousId: 'a"b\\c,{d}', payload: '{"q":"say \\"hi\\"\\\\"}' }),
        message({ event: "NULL", userId: "NULL", anonymousId: "", payload: '{"emoji":"🙂","tab":"\\t"}' }),
        message({ event: "sep\u001einside", userId: "null\u001fmark", payload: '{"raw":"x"}' }),
      ];
      const expected = (list: ArchivedMessage[]) =>
        list.map((m) => ({
          messageId: m.messageId,
          event: m.event,
          userId: m.userId,
          anonymousId: m.anonymousId,
          payload: m.payload.replaceAll("\u0000", "\\u0000"),
          receivedAt: m.receivedAt,
        }));
      const read = async (seqs: (number | null)[]) =>
        (
          await pg.pool.query(
            `SELECT "messageId", "event", "userId", "anonymousId", "payload", "receivedAt"::float8 AS "receivedAt"
           FROM "Message" WHERE "seq" = ANY($1) ORDER BY "seq"`,
            [seqs],
          )
        ).rows;
      const r = await store.append(awkward);
      expect(r.stored).toBe(3);
      expect(await read(r.seqs)).toEqual(expected(awkward));
      // Without the separators, the same values go the joined way; one row alone, the array way.
      const joined = [message({ event: "", userId: null }), message({ event: "x", userId: "NULL" })];
      expect(await read((await store.append(joined)).seqs)).toEqual(expected(joined));
      const single = [message({ event: "", userId: null, payload: '{"only":"one"}' })];
      expect(await read((await store.append(single)).seqs)).toEqual(expected(single));
      // PostgreSQL text cannot hold NUL (validation refuses it in fields); a raw one in a payload
      // is stored escaped.
      const nul = [message({ payload: '{"nul":"a\u0000b"}' }), message()];
      expect(await read((await store.append(nul)).seqs)).toEqual(expected(nul));
    },
  );

  it("stores a messageId again once its first copy is older than 24 hours", async () => {
    const old = message({ receivedAt: Date.now() - DEDUP_WINDOW_MS - 60_000 });
    expect((await store.append([old])).stored).toBe(1);
    const again = await store.append([{ ...old, receivedAt: Date.now() }]);
    expect(again.stored).toBe(1);
    const copies = await pg.pool.query(
      `SELECT "dedupKey" FROM "Message" WHERE "messageId" = $1 ORDER BY "seq"`,
      [old.messageId],
    );
    expect(copies.rows.map((r) => r.dedupKey)).toEqual([null, old.messageId]);
  });

  it("dedups per workspace: the same messageId in another workspace is stored", async () => {
    const other = await insertPgSource(pg.pool);
    const m = message();
    await store.append([m]);
    const r = await store.append([{ ...m, workspaceId: other.workspaceId, sourceId: other.id }]);
    expect(r.stored).toBe(1);
  });

  it("stores each messageId once when two instances append it concurrently", async () => {
    const second = new PgArchiveStore(openPgPool(pg.db.url, 4));
    const ids = Array.from({ length: 200 }, () => message());
    const results = await Promise.all([
      store.append(ids.slice(0, 150)),
      second.append(ids.slice(50).reverse()),
      store.append(ids.slice(100, 200)),
    ]);
    expect(results.reduce((s, r) => s + r.stored, 0)).toBe(200);
    const { rows } = await pg.pool.query(
      `SELECT COUNT(*)::int AS n, COUNT(DISTINCT "messageId")::int AS d FROM "Message" WHERE "messageId" = ANY($1)`,
      [ids.map((m) => m.messageId)],
    );
    expect(rows[0]).toEqual({ n: 200, d: 200 });
    await (second as unknown as { pool: { end(): Promise<void> } }).pool.end();
  });

  it("keeps rejected messages and messages without dedup, even with the same id", async () => {
    const m = message({ dedup: false });
    const r = await store.append([m, { ...m }, message({ status: "rejected", reason: "bad", dedup: false })]);
    expect(r.stored).toBe(3);
  });

  it("filters in SQL like the SQLite store: types, event, user, text (ASCII case-insensitive), rejected", async () => {
    const s = await insertPgSource(pg.pool);
    const mk = (over: Partial<ArchivedMessage>) =>
      message({ sourceId: s.id, workspaceId: s.workspaceId, ...over });
    await store.append([
      mk({ type: "identify", userId: "alice" }),
      mk({ event: "Signed Up", payload: JSON.stringify({ plan: "PRO_50%" }) }),
      mk({ status: "rejected", reason: "too deep", dedup: false }),
    ]);
    expect((await store.recent(s.id, { types: ["identify"], limit: 10 })).map((r) => r.userId)).toEqual([
      "alice",
    ]);
    expect(await store.recent(s.id, { event: "Signed Up", limit: 10 })).toHaveLength(1);
    expect(await store.recent(s.id, { user: "alice", limit: 10 })).toHaveLength(1);
    expect(await store.recent(s.id, { text: "pro_50%", limit: 10 })).toHaveLength(1);
    expect(await store.recent(s.id, { text: "pro_5_%", limit: 10 })).toHaveLength(0);
    expect(await store.recent(s.id, { rejectedOnly: true, limit: 10 })).toHaveLength(1);
    const all = await store.recent(s.id, { limit: 10 });
    expect(await store.recent(s.id, { afterSeq: all[1]!.seq, limit: 10 })).toHaveLength(1);
    expect(await store.recent(s.id, { beforeSeq: all[1]!.seq, limit: 10 })).toHaveLength(1);
  });

  it("prunes old rows but keeps a row whose dedup key is still inside the window", async () => {
    const s = await insertPgSource(pg.pool);
    const now = Date.now();
    const mk = (over: Partial<ArchivedMessage>) =>
      message({ sourceId: s.id, workspaceId: s.workspaceId, ...over });
    await store.append([
      mk({ receivedAt: now - 3 * DEDUP_WINDOW_MS, dedup: false }),
      mk({ receivedAt: now - 60_000 }),
      mk({ receivedAt: now - 60_000, dedup: false }),
    ]);
    // Retention of 10 s: the two recent rows are past it, but the keyed one keeps its key's window.
    const deleted = await store.prune(now - 10_000, 10_000, now);
    expect(deleted).toBeGreaterThanOrEqual(2);
    const left = await store.recent(s.id, { limit: 10 });
    expect(left.map((r) => r.receivedAt)).toEqual([now - 60_000]);
  });

  it("stores the Protocols verdict and writes the Source Schema aggregates in the same commit", async () => {
    const s = await insertPgSource(pg.pool);
    await pg.pool.query(
      `INSERT INTO "SchemaEventFilter" ("id", "workspaceId", "sourceId", "kind", "name", "action", "updatedAt")
       VALUES ($1, $2, $3, 'track', 'Debug', 'block', now())`,
      [`flt_${s.id}`, s.workspaceId, s.id],
    );
    const obs = ["track", "Order Completed", "total\u001enumber", "sku\u001estring"].join("\u001f");
    const verdict = (i: number) =>
      JSON.stringify({
        violations: [
          {
            kind: "track",
            name: "Order Completed",
            path: "total",
            code: "type",
            message: "total: expected number",
            value: `t${i}`,
          },
        ],
      });
    const mk = (over: Partial<ArchivedMessage>) =>
      message({ sourceId: s.id, workspaceId: s.workspaceId, observation: obs, ...over });
    const first = mk({ protocol: verdict(0) });
    await store.append([
      first,
      { ...first }, // a duplicate: not counted
      mk({ protocol: verdict(1) }),
      mk({ protocol: null }),
      mk({ status: "rejected", reason: "bad", dedup: false, protocol: verdict(9) }), // rejected: not counted
    ]);
    await store.append([
      mk({ protocol: verdict(2) }),
      mk({ protocol: verdict(3) }),
      mk({ protocol: JSON.stringify({ blocked: { filterId: `flt_${s.id}` } }), observation: null }),
    ]);
    const stored = await pg.pool.query(`SELECT "protocol" FROM "Message" WHERE "messageId" = $1`, [
      first.messageId,
    ]);
    expect(JSON.parse(stored.rows[0].protocol).violations[0].code).toBe("type");
    const entry = await pg.pool.query(
      `SELECT "count" FROM "SchemaEntry" WHERE "sourceId" = $1 AND "name" = 'Order Completed'`,
      [s.id],
    );
    expect(entry.rows).toEqual([{ count: 5 }]);
    const props = await pg.pool.query(
      `SELECT "path", "type", "count" FROM "SchemaProperty" WHERE "sourceId" = $1 ORDER BY "path"`,
      [s.id],
    );
    expect(props.rows).toEqual([
      { path: "sku", type: "string", count: 5 },
      { path: "total", type: "number", count: 5 },
    ]);
    const hours = await pg.pool.query(
      `SELECT SUM("count")::int AS n FROM "SchemaHour" WHERE "sourceId" = $1`,
      [s.id],
    );
    expect(hours.rows[0].n).toBe(5 + 4); // entry volume + violation volume
    const v = await pg.pool.query(`SELECT "count", "samples" FROM "SchemaViolation" WHERE "sourceId" = $1`, [
      s.id,
    ]);
    expect(v.rows[0].count).toBe(4);
    // The three newest samples, across the two commits.
    expect(JSON.parse(v.rows[0].samples).map((x: { value: string }) => x.value)).toEqual(["t1", "t2", "t3"]);
    const hits = await pg.pool.query(`SELECT "hits" FROM "SchemaEventFilter" WHERE "id" = $1`, [
      `flt_${s.id}`,
    ]);
    expect(hits.rows[0].hits).toBe(1);
    const tapped = await store.range(1, 2_000_000_000);
    expect(tapped.find((r) => r.messageId === first.messageId)?.protocol).toBe(first.protocol);
  });

  it("writes the Source Schema counts at most once per window, and the rest on flush (shutdown)", async () => {
    const s = await insertPgSource(pg.pool);
    const windowed = new PgArchiveStore(pg.pool, { schemaFlushMs: 60_000 });
    const obs = ["track", "Windowed", "a\u001estring"].join("\u001f");
    const mk = () =>
      message({ sourceId: s.id, workspaceId: s.workspaceId, observation: obs, event: "Windowed" });
    const count = async () =>
      (
        await pg.pool.query(
          `SELECT "count" FROM "SchemaEntry" WHERE "sourceId" = $1 AND "name" = 'Windowed'`,
          [s.id],
        )
      ).rows[0]?.count;
    await windowed.append([mk()]); // the first commit finds the window open
    await windowed.append([mk(), mk()]); // inside the window: kept in memory
    expect(await count()).toBe(1);
    await windowed.flushSchema();
    expect(await count()).toBe(3);
  });
});
