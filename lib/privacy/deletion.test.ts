import { afterEach, describe, expect, it } from "vitest";
import { archive, settled, until } from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";
import { purgeUser } from "@/lib/privacy/sql";

// A deletion request leaves no trace of the user in any table that holds messages or parts of
// them: checked by reading every row of every table of the database.

let h: Harness;
let s: Sink;
afterEach(async () => {
  await h?.close();
  await s?.close();
});

/** Tables (and row counts) whose rows mention `needle` anywhere. */
function tablesMentioning(db: Harness["db"], needle: string): Record<string, number> {
  const tables = db
    .prepare(`SELECT "name" FROM "sqlite_master" WHERE "type" = 'table' AND "name" NOT LIKE 'sqlite_%'`)
    .all() as { name: string }[];
  const found: Record<string, number> = {};
  for (const { name } of tables) {
    const rows = db.prepare(`SELECT * FROM "${name}"`).all();
    const hits = rows.filter((r) => JSON.stringify(r).includes(needle)).length;
    if (hits > 0) found[name] = hits;
  }
  return found;
}

describe("deletion requests", () => {
  it("purges one user's messages from the archive, delivery tables, samples, notes, runs and inbox samples", async () => {
    h = harness();
    // 400 for "Rejected" events: not retried, leaves a delivery sample with what was sent.
    s = await startSink((req) =>
      req.body.includes("Rejected") ? { kind: "status", status: 400 } : { kind: "ok" },
    );
    const hook = h.webhook(s.url, {}, "Hook");
    const now = Date.now();
    h.db
      .prepare(
        `INSERT INTO "PrivacyDestination" ("destinationId", "workspaceId", "policy", "updatedAt") VALUES (?, ?, 'no_red', ?)`,
      )
      .run(hook, h.workspaceId, now);
    h.db
      .prepare(
        `INSERT INTO "PrivacyField" ("workspaceId", "path", "matcher", "suggested", "classification", "firstSeen", "lastSeen", "sample", "sampleUserId", "updatedAt")
         VALUES (?, 'traits.email', 'email', 'red', 'red', ?, ?, 'e•••@x•••.com', 'erase-me-42', ?)`,
      )
      .run(h.workspaceId, now, now, now);
    const mine = (extra: Record<string, unknown>) => ({
      userId: "erase-me-42",
      anonymousId: "anon-erase",
      ...extra,
    });
    archive(h.db, h, [
      mine({ type: "identify", traits: { email: "erase@example.com" } }),
      mine({ type: "track", event: "Rejected" }),
      mine({ type: "track", event: "Kept" }),
      { type: "track", event: "Kept", userId: "someone-else", traits: { email: "else@example.com" } },
      { type: "identify", userId: "someone-else", traits: { email: "else@example.com" } },
    ]);
    h.db
      .prepare(
        `INSERT INTO "FunctionRun" ("workspaceId", "functionId", "instanceId", "version", "outcome", "input", "logs", "durationMs", "at")
         VALUES (?, 'f', 'i', 1, 'ok', ?, '[]', 1, ?), (?, 'f', 'i', 1, 'ok', '{"userId":"someone-else"}', '["saw erase-me-42"]', 1, ?),
                (?, 'f', 'i', 1, 'ok', '{"userId":"someone-else"}', '[]', 1, ?)`,
      )
      .run(
        h.workspaceId,
        JSON.stringify(mine({ type: "track" })),
        now,
        h.workspaceId,
        now,
        h.workspaceId,
        now,
      );
    h.start({ timeoutMs: 5_000, deadlineMs: 60_000 });
    await until(settled(h.db, hook, 5));
    await h.runner?.stop({ graceMs: 50 });
    h.runner = null;

    const before = tablesMentioning(h.db, "erase-me-42");
    // Outcome rows and removal notes point at the user's messages by seq; the rest hold the id itself.
    expect(before).toEqual({ DeliverySample: 1, FunctionRun: 2, Message: 3, PrivacyField: 1 });

    const counts = await purgeUser(h.db, h.workspaceId, "userId", "erase-me-42");
    expect(counts).toEqual({
      archive: 3,
      deliveryJobs: 0,
      deliveryOutcomes: 3,
      deliverySamples: 1,
      privacyRemovals: 1,
      functionRuns: 2,
      inboxSamples: 1,
    });
    expect(tablesMentioning(h.db, "erase-me-42")).toEqual({});
    expect(tablesMentioning(h.db, "anon-erase")).toEqual({});
    expect(tablesMentioning(h.db, "erase@example.com")).toEqual({});
    // Nobody else's data went with it.
    expect(tablesMentioning(h.db, "someone-else")).toEqual({ FunctionRun: 1, Message: 2 });
    const remaining = h.db
      .prepare(`SELECT COUNT(*) AS n FROM "DeliveryOutcome" WHERE "destinationId" = ?`)
      .get(hook);
    expect(remaining).toEqual({ n: 2 });
  });

  it("finds the messages by anonymousId too, and only in its own workspace", async () => {
    h = harness();
    const other = harness();
    try {
      archive(h.db, h, [{ type: "page", anonymousId: "anon-xyz-1" }]);
      archive(h.db, { workspaceId: "another-workspace", sourceId: h.sourceId }, [
        { type: "page", anonymousId: "anon-xyz-1" },
      ]);
      const counts = await purgeUser(h.db, h.workspaceId, "anonymousId", "anon-xyz-1");
      expect(counts.archive).toBe(1);
      const left = h.db.prepare(`SELECT "workspaceId" FROM "Message"`).all();
      expect(left).toEqual([{ workspaceId: "another-workspace" }]);
    } finally {
      await other.close();
    }
  });
});
