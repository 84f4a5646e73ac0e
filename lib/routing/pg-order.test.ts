import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPgPool } from "@/lib/db/pg";
import { archivedTrack, insertPgSource, type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable } from "@/lib/db/pg-testing";
import { sql } from "@/lib/delivery/store";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import type { ArchivedMessage } from "@/lib/ingest/store";

// The router reads "archive rows after my cursor" (lib/delivery/store.ts messagesAfter). With
// several writers, a row whose transaction took its seq early but commits late would be skipped
// by a cursor that already moved past it. This test forces exactly that interleaving: writer A
// draws its seqs and holds its transaction open; writer B (another instance's pool) appends and
// commits; a router-like reader advances its cursor the whole time. Every committed row must be
// read exactly once. The control run without the commit-order lock shows the test can fail.

let pg: MigratedPg;
let source: { id: string; workspaceId: string };
// PostgreSQL at TEST_PG_URL (README); without one these tests are skipped.
const available = await pgAvailable();
beforeAll(async () => {
  if (!available) return;
  pg = await openMigratedPg();
  source = await insertPgSource(pg.pool);
});
afterAll(() => pg?.close());

let n = 0;
const message = (): ArchivedMessage => archivedTrack(source, `order-${++n}`);

async function scenario(ordered: boolean, oneStatementRows?: number) {
  const other = openPgPool(pg.db.url, 2);
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  let aDrewSeqs!: () => void;
  const aInside = new Promise<void>((r) => {
    aDrewSeqs = r;
  });
  const a = new PgArchiveStore(pg.pool, {
    orderedCommits: ordered,
    oneStatementRows,
    beforeCommit: async () => {
      aDrewSeqs();
      await held;
    },
  });
  const b = new PgArchiveStore(other, { orderedCommits: ordered, oneStatementRows });

  const reader = new PgSyncDatabase(pg.db.url);
  const messagesAfter = sql(reader.asDatabase()).messagesAfter;
  let cursor = (reader.prepare(`SELECT COALESCE(MAX("seq"), 0) AS s FROM "Message"`).get() as { s: number })
    .s;
  const routed: number[] = [];
  const pass = () => {
    const rows = messagesAfter.all(cursor, 1000) as { seq: number }[];
    for (const r of rows) routed.push(r.seq);
    if (rows.length) cursor = rows[rows.length - 1]!.seq;
  };

  const first = a.append([message(), message()]);
  await aInside; // A has drawn its seqs and holds its transaction open
  const second = b.append([message(), message()]);
  // B either waits for A (ordered) or commits first (unordered); the router keeps passing.
  for (let i = 0; i < 20; i++) {
    pass();
    await new Promise((r) => setTimeout(r, 10));
  }
  release();
  const [ra, rb] = await Promise.all([first, second]);
  pass();
  pass();
  reader.close();
  await other.end();
  const committed = [...ra.seqs, ...rb.seqs].filter((s): s is number => s !== null).sort((x, y) => x - y);
  return { committed, routed, aSeqs: ra.seqs as number[], bSeqs: rb.seqs as number[] };
}

// Large groups commit with one statement (lock, seqs and insert); small ones with two. Both run.
const PATHS: [string, number | undefined][] = [
  ["small groups", undefined],
  ["one-statement commits", 1],
];

describe.skipIf(!available)("routing over concurrent PostgreSQL writers", () => {
  it.each(PATHS)(
    "reads every committed row exactly once when a transaction with earlier seqs commits last (%s)",
    async (_, rows) => {
      const r = await scenario(true, rows);
      expect(r.committed).toHaveLength(4);
      expect([...r.routed].sort((x, y) => x - y)).toEqual(r.committed);
      // B drew its seqs after A committed: commit order is seq order.
      expect(Math.min(...r.bSeqs)).toBeGreaterThan(Math.max(...r.aSeqs));
    },
  );

  it.each(PATHS)(
    "control: without the commit-order lock the same interleaving makes the cursor skip A's rows (%s)",
    async (_, rows) => {
      const r = await scenario(false, rows);
      expect(r.committed).toHaveLength(4);
      const missed = r.committed.filter((s) => !r.routed.includes(s));
      expect(missed.sort((x, y) => x - y)).toEqual([...r.aSeqs].sort((x, y) => x - y));
    },
  );
});
