import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeOffLoop } from "@/lib/db/off-loop";
import { insertPgSource, type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable } from "@/lib/db/pg-testing";
import { loadSourceBinding } from "@/lib/functions/bindings";
import { RunRecorder } from "@/lib/functions/runs";
import { IngestPrivacy } from "@/lib/privacy/ingest";
import { createProtocolsResolver, invalidateProtocols } from "@/lib/protocols/resolver";

// On PostgreSQL the ingest's cached settings (a workspace's privacy settings, a source's
// Protocols, a source function's inbound URL) are re-read on the asynchronous pool when they expire, never through the blocking
// connection: a process serving many workspaces would otherwise stop its event loop for a round
// trip every time one of them expires. What a user notices: a setting changed in the console is
// in effect on the next request after the cache's second, exactly as on SQLite.

let db: MigratedPg;
let sync: PgSyncDatabase;
const available = await pgAvailable();
beforeAll(async () => {
  if (!available) return;
  db = await openMigratedPg();
  sync = new PgSyncDatabase(db.db.url);
});
afterAll(async () => {
  sync?.close();
  await db?.close();
});

/** Counts the blocking round trips fn makes on the synchronous connection. */
function blockingCalls<T>(fn: () => T): { value: T; calls: number } {
  let calls = 0;
  const call = sync.call.bind(sync);
  sync.call = (...args: Parameters<PgSyncDatabase["call"]>) => {
    calls++;
    return call(...args);
  };
  try {
    return { value: fn(), calls };
  } finally {
    sync.call = call;
  }
}

const suppress = (workspaceId: string, userId: string) =>
  db.pool.query(
    `INSERT INTO "PrivacySuppression" ("workspaceId", "userId", "createdBy", "createdAt") VALUES ($1, $2, 'test', 0)`,
    [workspaceId, userId],
  );

describe.skipIf(!available)("ingest settings on PostgreSQL, read off the event loop", () => {
  it("privacy: an expired workspace's settings are re-read asynchronously, shared, and in effect after the TTL", async () => {
    const { workspaceId } = await insertPgSource(db.pool);
    await suppress(workspaceId, "user-1");
    const privacy = new IngestPrivacy(sync as never, { ttlMs: 1000, flushEveryMs: 0 });
    try {
      const first = blockingCalls(() => [
        privacy.forWorkspace(workspaceId, 1_000),
        privacy.forWorkspace(workspaceId, 1_001),
      ]);
      expect(first.calls).toBe(0);
      const [a, b] = first.value;
      expect(a).toBeInstanceOf(Promise);
      expect(b).toBeInstanceOf(Promise);
      const [pa, pb] = await Promise.all(first.value);
      expect(pa!.suppressed("user-1")).toBe(true);
      expect(pb!.suppressed("user-1")).toBe(true);
      expect(pa!.suppressed("user-2")).toBe(false);

      // Fresh: answered at once from the cache.
      const cached = privacy.forWorkspace(workspaceId, 1_500);
      expect(cached).not.toBeInstanceOf(Promise);

      // A suppression added in the console counts once the second is over, not before.
      await suppress(workspaceId, "user-2");
      const stillCached = privacy.forWorkspace(workspaceId, 1_900);
      expect(stillCached).not.toBeInstanceOf(Promise);
      expect((stillCached as Awaited<typeof stillCached>).suppressed("user-2")).toBe(false);
      const reread = blockingCalls(() => privacy.forWorkspace(workspaceId, 2_100));
      expect(reread.calls).toBe(0);
      expect((await reread.value).suppressed("user-2")).toBe(true);
    } finally {
      await privacy.close();
    }
  });

  it("privacy: a read that fails rejects (the request is refused with 503), and the next one reads again", async () => {
    const { workspaceId } = await insertPgSource(db.pool);
    const privacy = new IngestPrivacy(sync as never, { ttlMs: 1000, flushEveryMs: 0 });
    await db.pool.query(`ALTER TABLE "PrivacySuppression" RENAME TO "PrivacySuppressionGone"`);
    try {
      await expect(privacy.forWorkspace(workspaceId, 1_000)).rejects.toThrow(/PrivacySuppression/);
    } finally {
      await db.pool.query(`ALTER TABLE "PrivacySuppressionGone" RENAME TO "PrivacySuppression"`);
    }
    await suppress(workspaceId, "user-9");
    expect((await privacy.forWorkspace(workspaceId, 1_001)).suppressed("user-9")).toBe(true);
    await privacy.close();
  });

  it("protocols: a source's event filters are read asynchronously, cached, and re-read after invalidateProtocols", async () => {
    const source = await insertPgSource(db.pool);
    const resolver = createProtocolsResolver(sync as never, 1000);
    const none = blockingCalls(() => resolver.forSource(source.id, 1_000));
    expect(none.calls).toBe(0);
    expect(none.value).toBeInstanceOf(Promise);
    expect(await none.value).toBeNull();
    expect(resolver.forSource(source.id, 1_500)).toBeNull();

    await db.pool.query(
      `INSERT INTO "SchemaEventFilter" ("id", "workspaceId", "sourceId", "kind", "name", "action", "updatedAt")
       VALUES ('f1', $1, $2, 'track', 'Debug Ping', 'block', now())`,
      [source.workspaceId, source.id],
    );
    // The console invalidates after a change: the next request reads it, off the loop.
    invalidateProtocols();
    const after = blockingCalls(() => resolver.forSource(source.id, 1_600));
    expect(after.calls).toBe(0);
    expect(after.value).toBeInstanceOf(Promise);
    const protocols = await after.value;
    expect(protocols?.eventFilters.get("track:Debug Ping")).toEqual({ id: "f1", action: "block" });
    expect(resolver.forSource(source.id, 1_700)).toBe(protocols);
  });

  it("privacy: sightings found while an inbox write is on its way are written after it, at close", async () => {
    const { id: sourceId, workspaceId } = await insertPgSource(db.pool);
    const privacy = new IngestPrivacy(sync as never, { ttlMs: 1000, flushEveryMs: 0, scansPerSecond: 1000 });
    const view = await privacy.forWorkspace(workspaceId, 10_000);
    const message = (n: number) => ({
      type: "track",
      event: "Signed Up",
      properties: { email: `a${n}@example.com` },
    });
    view.inspect(message(1), sourceId, 10_001);
    // The timer's write, off the loop, still on its way when the same field is seen again...
    expect(privacy.flush(10_002, true)).toBe(1);
    view.inspect(message(2), sourceId, 20_000);
    // ...and close() writes that sighting after it (a blocking write of the same row meanwhile
    // would wait for a lock held by a transaction this very loop has to finish).
    await privacy.close();
    const rows = (
      await db.pool.query(
        `SELECT "path", "matcher", "lastSeen" FROM "PrivacyField" WHERE "workspaceId" = $1`,
        [workspaceId],
      )
    ).rows;
    expect(rows).toEqual([{ path: "properties.email", matcher: "email", lastSeen: 20000 }]);
  });

  it("functions: an unknown inbound URL is looked up off the loop; recent runs are written off the loop", async () => {
    const lookup = blockingCalls(() =>
      loadSourceBinding(sync as never, "no-such-token-hash", "k".repeat(64)),
    );
    expect(lookup.calls).toBe(0);
    expect(lookup.value).toBeInstanceOf(Promise);
    expect(await lookup.value).toBeNull();

    const recorder = new RunRecorder(sync as never);
    const binding = {
      instanceId: "fi_offloop",
      functionId: "fn_offloop",
      workspaceId: "ws_offloop",
      kind: "source" as const,
      version: 3,
      code: "",
      settingsJson: "{}",
      secrets: [],
    };
    const failure = {
      outcome: "error" as const,
      name: "Error",
      message: "boom",
      emitted: [],
      logs: [],
      fetches: [],
      cpuMs: 1,
      durationMs: 2,
    };
    recorder.add(binding, failure, "{}");
    recorder.add(binding, { ...failure, message: "boom again" }, "{}");
    const flushed = blockingCalls(() => recorder.flush());
    expect(flushed.calls).toBe(0);
    await recorder.close();
    const runs = (
      await db.pool.query(
        `SELECT "outcome", "message", "version" FROM "FunctionRun" WHERE "instanceId" = 'fi_offloop' ORDER BY "id"`,
      )
    ).rows;
    expect(runs).toEqual([
      { outcome: "error", message: "boom", version: 3 },
      { outcome: "error", message: "boom again", version: 3 },
    ]);
  });

  it("a write off the loop commits all its statements or none", async () => {
    const { workspaceId } = await insertPgSource(db.pool);
    const insert = (userId: string) =>
      sync
        .prepare(
          `INSERT INTO "PrivacySuppression" ("workspaceId", "userId", "createdBy", "createdAt") VALUES (?, ?, 'test', 0)`,
        )
        .run(workspaceId, userId);
    const count = async () =>
      Number(
        (
          await db.pool.query(`SELECT COUNT(*) AS n FROM "PrivacySuppression" WHERE "workspaceId" = $1`, [
            workspaceId,
          ])
        ).rows[0].n,
      );
    const ok = blockingCalls(() => writeOffLoop(sync as never, () => [insert("a"), insert("b")]));
    expect(ok.calls).toBe(0);
    await ok.value;
    expect(await count()).toBe(2);
    // The second statement breaks the primary key: the first is rolled back with it.
    await expect(writeOffLoop(sync as never, () => [insert("c"), insert("a")])).rejects.toThrow(
      /duplicate key/,
    );
    expect(await count()).toBe(2);
  });
});
