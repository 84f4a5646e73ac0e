import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getUseCase } from "@/lib/catalog/use-cases";
import {
  archivedTrack,
  insertPgSource,
  insertPgWebhook,
  type MigratedPg,
  openMigratedPg,
} from "@/lib/db/pg-fixtures";
import { PgSyncDatabase } from "@/lib/db/pg-sync";
import { pgAvailable, recordBlocking } from "@/lib/db/pg-testing";
import { perform } from "@/lib/db/work";
import { controlOf, discardJobs, pausedSet } from "@/lib/delivery/control";
import { currentHealth } from "@/lib/delivery/health";
import { replayCancelled, replayStarted, replaysOf } from "@/lib/delivery/replay-runs";
import { PgArchiveStore } from "@/lib/ingest/pg-store";
import { acceptedPerSourceSince } from "@/lib/ingest/sqlite-store";
import { purgeUser } from "@/lib/privacy/sql";
import { observe } from "@/lib/protocols/observe";
import { readSchema, readViolations, schemaQuery } from "@/lib/protocols/queries";
import { arrivals } from "@/lib/use-cases/facts";
import { warehouseHealth } from "@/lib/warehouses/health";
import {
  pendingOf,
  renameSchema,
  runQueued,
  runsOf,
  schemasFor,
  selectionRows,
  stateOf,
  writeSelection,
} from "@/lib/warehouses/store";

// Console reads a web instance makes per page view or per poll, on PostgreSQL: the Sources list's
// 24-hour counts (a bisection of the archive, then a GROUP BY), the guided setup's arrivals (polled
// while a user waits for their first events), the Destinations list's health states, the Source
// Schema and violations pages, a warehouse's sync history and settings, discarding a queue and a
// privacy deletion's purge. They
// answer from the asynchronous pool: not one blocking round trip, so opening the console never
// stops the event loop of the instance that also takes tracking calls.

const available = await pgAvailable();
let pg: MigratedPg;
let sync: PgSyncDatabase;
beforeAll(async () => {
  if (!available) return;
  pg = await openMigratedPg();
  sync = new PgSyncDatabase(pg.db.url);
});
afterAll(async () => {
  sync?.close();
  await pg?.close();
});

const winback = getUseCase("personalize-communications", "personalize-winback")!;

describe.skipIf(!available)("console reads on PostgreSQL", () => {
  it("count, find arrivals and judge health off the event loop, with the right answers", async () => {
    const a = await insertPgSource(pg.pool);
    const b = await insertPgSource(pg.pool, { workspaceId: a.workspaceId });
    const other = await insertPgSource(pg.pool);
    const day = 86_400_000;
    const now = Date.now();
    const at = (source: typeof a, id: string, receivedAt: number, event = "E") => ({
      ...archivedTrack(source, id),
      event,
      receivedAt,
      observation: observe({ type: "track", event, properties: { total: 1 } }),
    });
    const store = new PgArchiveStore(pg.pool);
    await store.append([
      ...Array.from({ length: 40 }, (_, i) => at(a, `old-${i}`, now - 3 * day + i)),
      at(a, "a1", now - 2 * 3_600_000, "Order Completed"),
      at(a, "a2", now - 5000, "Order Completed"),
      at(b, "b1", now - 2000),
      at(other, "o1", now - 1000, "Order Completed"),
    ]);
    await store.flushSchema();
    const destination = await insertPgWebhook(pg.pool, {
      id: `dst_console_${Date.now()}`,
      workspaceId: a.workspaceId,
      sourceId: a.id,
      url: "https://x.example/",
    });
    await pg.pool.query(
      `INSERT INTO "DestinationHealthEvent" ("workspaceId", "destinationId", "state", "previousState", "at", "reason")
       VALUES ($1, $2, 'failing', 'healthy', $3, 'most attempts failed'), ($1, $2, 'degraded', 'failing', $4, 'recovering')`,
      [a.workspaceId, destination, now - 60_000, now - 1000],
    );

    // Three queued messages for the destination: two waiting for a retry, one being sent right now.
    for (const [i, leaseUntil] of [0, 0, now + 60_000].entries())
      await pg.pool.query(
        `INSERT INTO "DeliveryJob" ("destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "event",
           "receivedAt", "attempts", "nextAttemptAt", "leaseUntil", "deadlineAt", "createdAt", "lastStatus",
           "lastErrorType", "lastError")
         VALUES ($1, $2, $3, $4, $5, 'track', 'E', $6, 2, $6, $7, $8, $6, 503, 'server_error', 'HTTP 503')`,
        [destination, a.workspaceId, a.id, 1000 + i, `queued-${i}`, now - 1000, leaseUntil, now + day],
      );

    const db = sync.asDatabase();
    const record = recordBlocking(sync);
    try {
      const counts = acceptedPerSourceSince(db, a.workspaceId, now - day);
      expect(counts).toBeInstanceOf(Promise);
      expect(Object.fromEntries(await counts)).toEqual({ [a.id]: 2, [b.id]: 1 });

      const seen = await arrivals(winback, [a.id, b.id], db);
      expect(seen["Order Completed"]).toEqual({ count: 2, lastAt: now - 5000, sourceId: a.id });

      const health = await perform(db, currentHealth(a.workspaceId));
      expect(health.get(destination)).toEqual({ state: "degraded", since: now - 1000, reason: "recovering" });
      expect((await perform(db, warehouseHealth(a.workspaceId))).size).toBe(0);

      const schema = readSchema(db, a.id, schemaQuery.parse({}));
      expect(schema).toBeInstanceOf(Promise);
      // By volume over the last 24 hours: the 40 "E" calls are three days old.
      expect((await schema).items.map((i) => [i.name, i.total, i.volume])).toEqual([
        ["Order Completed", 2, 2],
        ["E", 40, 0],
      ]);
      expect(await readViolations(db, a.id)).toEqual([]);

      // A warehouse's Syncs tab (polled every 2 s while a sync runs): what is left to load.
      expect(await perform(db, pendingOf([a.id, b.id], 0))).toBe(43);
      expect(await perform(db, runsOf(destination, 50))).toEqual([]);
      expect(await perform(db, stateOf(destination))).toBeUndefined();

      // Its settings tab: default schemas created on first view, a rename, Selective Sync.
      const schemas = await perform(
        db,
        schemasFor({ id: destination, sources: [{ id: a.id, slug: "Web App", name: "Web" }] }),
      );
      expect(schemas.get(a.id)).toEqual({ sourceId: a.id, schemaName: "web_app", fixedAt: null });
      expect(await perform(db, renameSchema(destination, a.id, "marketing_site"))).toBe(true);
      await perform(db, writeSelection(destination, [{ tableName: "pages", columnName: "" }], new Date(now)));
      expect(await perform(db, selectionRows(destination))).toEqual([{ tableName: "pages", columnName: "" }]);

      // Discarding a destination's queue (pages of 1,000 in their own transactions).
      const discard = discardJobs(db, destination, now, { by: "owner@example.com" });
      expect(discard).toBeInstanceOf(Promise);
      expect(await discard).toEqual({ discarded: 2, inFlight: 1 });
      const discarded = await pg.pool.query(
        `SELECT COUNT(*)::int AS n FROM "DeliveryOutcome" WHERE "destinationId" = $1 AND "errorType" = 'discarded'`,
        [destination],
      );
      expect(discarded.rows[0].n).toBe(2);

      // A deletion request walks the workspace's archive: it must not stop the instance either.
      const purge = purgeUser(db, other.workspaceId, "userId", "u");
      expect(purge).toBeInstanceOf(Promise);
      expect(await purge).toMatchObject({ archive: 1, deliveryOutcomes: 0 });
      expect(Object.fromEntries(await acceptedPerSourceSince(db, other.workspaceId, now - day))).toEqual({});
      expect(record.statements).toEqual([]);
    } finally {
      record.stop();
    }
  });

  it("pause and resume, the replay list, starting and cancelling a replay and Sync now answer off the event loop", async () => {
    const a = await insertPgSource(pg.pool);
    const now = Date.now();
    const minute = 60_000;
    const store = new PgArchiveStore(pg.pool);
    // Archived a minute apart, oldest first: seq and receivedAt rise together.
    await store.append(
      Array.from({ length: 30 }, (_, i) => ({
        ...archivedTrack(a, `r-${i}`),
        receivedAt: now - (30 - i) * minute,
      })),
    );
    const seqs = (
      await pg.pool.query<{ seq: number }>(
        `SELECT "seq" FROM "Message" WHERE "sourceId" = $1 ORDER BY "seq"`,
        [a.id],
      )
    ).rows.map((r) => Number(r.seq));
    const destination = await insertPgWebhook(pg.pool, {
      id: `dst_ops_${Date.now()}`,
      workspaceId: a.workspaceId,
      sourceId: a.id,
      url: "https://x.example/",
    });
    const d = { destinationId: destination, workspaceId: a.workspaceId };
    const db = sync.asDatabase();
    const record = recordBlocking(sync);
    try {
      const paused = perform(db, pausedSet(d, true, "owner@example.com", now));
      expect(paused).toBeInstanceOf(Promise);
      expect(await paused).toMatchObject({ paused: true, pausedBy: "owner@example.com", pausedAt: now });
      expect(await perform(db, pausedSet(d, false, "owner@example.com", now + 1))).toMatchObject({
        paused: false,
        pausedBy: null,
      });
      expect(await perform(db, controlOf(destination))).toMatchObject({ paused: false, breaker: "closed" });

      // The window [-20 min, -10 min] holds the messages received 20 to 11 minutes ago.
      const window = { workspaceId: a.workspaceId, destinationId: destination, sourceIds: [a.id] };
      const started = await perform(
        db,
        replayStarted(
          { ...window, fromMs: now - 20 * minute, toMs: now - 10 * minute, createdBy: "owner@example.com" },
          { now, retentionMs: 7 * 86_400_000 },
        ),
      );
      expect(started).toMatchObject({ status: "running", routed: 0, pending: 0, delivered: 0 });
      const stored = await pg.pool.query(
        `SELECT "afterSeq", "endSeq" FROM "DeliveryReplay" WHERE "id" = $1`,
        [started.id],
      );
      expect([Number(stored.rows[0].afterSeq), Number(stored.rows[0].endSeq)]).toEqual([seqs[9]!, seqs[19]!]);
      // A second start while it runs is refused, by the same rule as on SQLite.
      await expect(
        perform(
          db,
          replayStarted(
            { ...window, fromMs: now - 5 * minute, toMs: now - minute, createdBy: "x@example.com" },
            { now, retentionMs: 7 * 86_400_000 },
          ),
        ),
      ).rejects.toThrow(/already running/);
      await pg.pool.query(
        `INSERT INTO "DeliveryOutcome" ("destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "status",
           "attempts", "receivedAt", "finishedAt", "latencyMs", "replayId")
         VALUES ($1, $2, $3, 1, 'x', 'track', 'delivered', 1, $4, $4, 5, $5)`,
        [destination, a.workspaceId, a.id, now, started.id],
      );
      const list = await perform(db, replaysOf(destination));
      expect(list.map((r) => [r.id, r.status, r.delivered])).toEqual([[started.id, "running", 1]]);

      // Cancelling it (another destination's id finds nothing).
      expect(await perform(db, replayCancelled("dst_other", started.id, now))).toBeNull();
      expect(await perform(db, replayCancelled(destination, started.id, now + 2))).toMatchObject({
        id: started.id,
        status: "cancelled",
        finishedAt: now + 2,
        delivered: 1,
      });

      // Sync now queues one run; asking again answers the run already waiting.
      const first = await perform(
        db,
        runQueued({ id: destination, workspaceId: a.workspaceId }, "manual", now, "o@x"),
      );
      const again = await perform(
        db,
        runQueued({ id: destination, workspaceId: a.workspaceId }, "manual", now, "o@x"),
      );
      expect([first.created, again.created, again.run.id]).toEqual([true, false, first.run.id]);
      expect(record.statements).toEqual([]);
    } finally {
      record.stop();
    }
  });
});
