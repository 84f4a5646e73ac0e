import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPgPool } from "@/lib/db/pg";
import { insertPgSource, type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { frozenPath, pgAvailable } from "@/lib/db/pg-testing";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import type { ArchivedMessage } from "@/lib/ingest/store";
import { createTap, type TapEvent } from "@/lib/tap";
import { JOBS_CHANNEL, jobsNotification, startPgTapBridge, tapNotification } from "@/lib/tap/pg";

// The tap across instances: two "instances" (own pool, own tap, own LISTEN connection) on one
// database; events appended through either reach a subscriber on the other, in seq order.

let pg: MigratedPg;
let source: { id: string; workspaceId: string };
let quiet: { id: string; workspaceId: string };
// PostgreSQL at TEST_PG_URL (README); without one these tests are skipped.
const available = await pgAvailable();
beforeAll(async () => {
  if (!available) return;
  pg = await openMigratedPg();
  source = await insertPgSource(pg.pool);
  quiet = await insertPgSource(pg.pool);
});
afterAll(() => pg?.close());

let n = 0;
const message = (s = source): ArchivedMessage => ({
  workspaceId: s.workspaceId,
  sourceId: s.id,
  messageId: `tap-${++n}`,
  type: "track",
  event: `E${n}`,
  userId: "u",
  anonymousId: null,
  status: "accepted",
  reason: null,
  receivedAt: Date.now(),
  payload: JSON.stringify({ type: "track", event: `E${n}` }),
  dedup: true,
});

describe.skipIf(!available)("the PostgreSQL tap", () => {
  it("delivers events ingested by one instance to subscribers of another, in seq order", async () => {
    const poolB = openPgPool(pg.db.url, 2);
    const storeA = new PgArchiveStore(pg.pool, { notify: true });
    const storeB = new PgArchiveStore(poolB, { notify: true });
    const tapA = createTap();
    const tapB = createTap();
    const bridgeA = startPgTapBridge({ url: pg.db.url, store: storeA, tap: tapA });
    const bridgeB = startPgTapBridge({ url: pg.db.url, store: storeB, tap: tapB });
    await Promise.all([bridgeA.ready, bridgeB.ready]);

    const seen: TapEvent[] = [];
    const off = tapA.subscribe(source.id, (e) => seen.push(e));
    const results = [];
    for (let i = 0; i < 10; i++) {
      results.push(await (i % 2 ? storeA : storeB).append([message(), message(), message(quiet)]));
    }
    const expected = results.flatMap((r) => [r.seqs[0], r.seqs[1]]) as number[];
    for (let i = 0; i < 100 && seen.length < expected.length; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(seen.map((e) => e.seq)).toEqual(expected);
    expect(seen.every((e) => e.sourceId === source.id && typeof e.message.event === "string")).toBe(true);
    off();
    await Promise.all([bridgeA.stop(), bridgeB.stop()]);
    await poolB.end();
  });

  it("tells other processes when the router left jobs in the queue, naming the destinations", async () => {
    const got: (string[] | null)[] = [];
    const bridge = startPgTapBridge({
      url: pg.db.url,
      store: new PgArchiveStore(pg.pool),
      tap: createTap(),
      onJobs: (ids) => got.push(ids),
    });
    await bridge.ready;
    await pg.pool.query("SELECT pg_notify($1, $2)", [JOBS_CHANNEL, jobsNotification(["dst_a", "dst_b"])]);
    const many = Array.from({ length: 2000 }, (_, i) => `dst_${i}`);
    await pg.pool.query("SELECT pg_notify($1, $2)", [JOBS_CHANNEL, jobsNotification(many)]);
    for (let i = 0; i < 100 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    // Too many ids for one notification: "any destination" instead.
    expect(got).toEqual([["dst_a", "dst_b"], null]);
    await bridge.stop();
  });

  it("connects again after its path stopped answering and publishes, in order, what committed meanwhile", async () => {
    const before = process.env.PG_BLOCKING_TIMEOUT_MS;
    process.env.PG_BLOCKING_TIMEOUT_MS = "1000";
    const relay = await frozenPath(pg.db.url);
    const store = new PgArchiveStore(pg.pool, { notify: true });
    const tap = createTap();
    const bridge = startPgTapBridge({ url: relay.url, store, tap, heartbeatMs: 200 });
    const seen: number[] = [];
    const off = tap.subscribe(source.id, (e) => seen.push(e.seq));
    const waitFor = async (n: number) => {
      for (let i = 0; i < 300 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 50));
    };
    try {
      await bridge.ready;
      const seqs: number[] = [];
      seqs.push((await store.append([message()])).seqs[0]!);
      await waitFor(1);
      // The path freezes: nothing is refused or closed, the notifications just stop arriving.
      await relay.freeze(true);
      for (let i = 0; i < 3; i++) seqs.push((await store.append([message()])).seqs[0]!);
      // Long enough for the heartbeat to fail and a reconnection to time out on the frozen path.
      await new Promise((r) => setTimeout(r, 2500));
      expect(seen).toHaveLength(1);
      await relay.freeze(false);
      await waitFor(4);
      seqs.push((await store.append([message()])).seqs[0]!);
      await waitFor(5);
      expect(seen).toEqual(seqs);
    } finally {
      off();
      await relay.freeze(false);
      await bridge.stop();
      await relay.close();
      if (before === undefined) delete process.env.PG_BLOCKING_TIMEOUT_MS;
      else process.env.PG_BLOCKING_TIMEOUT_MS = before;
    }
  }, 30_000);

  it("connects again when the server ends its connection (a restart or failover) and misses nothing", async () => {
    const store = new PgArchiveStore(pg.pool, { notify: true });
    const tap = createTap();
    const bridge = startPgTapBridge({ url: pg.db.url, store, tap });
    const seen: number[] = [];
    const off = tap.subscribe(source.id, (e) => seen.push(e.seq));
    const waitFor = async (n: number) => {
      for (let i = 0; i < 200 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 25));
    };
    try {
      await bridge.ready;
      const seqs = [(await store.append([message()])).seqs[0]!];
      await waitFor(1);
      const { rows } = await pg.pool.query<{ ended: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
          WHERE application_name = 'switchyard-tap' AND datname = current_database()`,
      );
      expect(rows.length).toBeGreaterThan(0);
      // Committed while the bridge has no connection: published once it listens again.
      seqs.push((await store.append([message()])).seqs[0]!);
      seqs.push((await store.append([message()])).seqs[0]!);
      await waitFor(3);
      seqs.push((await store.append([message()])).seqs[0]!);
      await waitFor(4);
      expect(seen).toEqual(seqs);
    } finally {
      off();
      await bridge.stop();
    }
  }, 30_000);

  it("keeps notifications small: a range, with the sources only when they fit", () => {
    const few = tapNotification(1, 9, new Set(["ws src"]));
    expect(JSON.parse(few)).toEqual({ a: 1, b: 9, s: ["ws src"] });
    const many = new Set(Array.from({ length: 2000 }, (_, i) => `ws_${i} src_${i}`));
    const big = tapNotification(1, 5000, many);
    expect(big.length).toBeLessThan(8000);
    expect(JSON.parse(big)).toEqual({ a: 1, b: 5000 });
  });
});
