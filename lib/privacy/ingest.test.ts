import { afterEach, describe, expect, it } from "vitest";
import { post, SETTINGS_UNREADABLE, trackOnce } from "@/lib/ingest/testing/client";
import { archived, type IngestHarness, insertSource, setupIngest } from "@/lib/ingest/testing/fixtures";

// Privacy at the tracking API: the inbox of detected fields (written in batches), suppression,
// and Red fields blocked for the whole workspace before archiving.

let h: IngestHarness;
afterEach(async () => {
  await h?.close();
});

const start = () => setupIngest({ privacy: { ttlMs: 0, flushEveryMs: 0, scansPerSecond: 1000 } });
const flush = () => h.srv.ingest.privacyFlush();
const inbox = () =>
  h.db
    .prepare(
      `SELECT "path", "matcher", "suggested", "classification", "sources", "sample", "sampleUserId" FROM "PrivacyField" WHERE "workspaceId" = ? ORDER BY "path"`,
    )
    .all(h.source.workspaceId);

describe("detection", () => {
  it("records each newly seen personal field once, with the matcher, source and a masked sample", async () => {
    h = await start();
    const { writeKey } = h.source;
    expect(
      (
        await post(
          h.url,
          "/v1/identify",
          { userId: "u1", traits: { email: "ada@example.com", firstName: "Ada", plan: "pro" } },
          { writeKey },
        )
      ).status,
    ).toBe(200);
    await post(
      h.url,
      "/v1/track",
      {
        userId: "u2",
        event: "Paid",
        properties: { card: "4111 1111 1111 1111", note: "4111 1111 1111 1112", total: 5 },
        context: { ip: "203.0.113.9" },
      },
      { writeKey },
    );
    await post(h.url, "/v1/identify", { userId: "u3", traits: { email: "bob@example.org" } }, { writeKey });
    // Not people: a company's name in a group call, a library's and a product's name.
    await post(
      h.url,
      "/v1/group",
      { userId: "u3", groupId: "g", traits: { name: "Acme Inc" } },
      { writeKey },
    );
    await post(
      h.url,
      "/v1/track",
      {
        userId: "u3",
        event: "Viewed",
        properties: { products: [{ name: "Lamp" }] },
        context: { library: { name: "analytics-node" } },
      },
      { writeKey },
    );
    flush();
    expect(inbox()).toEqual([
      {
        path: "context.ip",
        matcher: "ip_address",
        suggested: "yellow",
        classification: null,
        sources: JSON.stringify([h.source.id]),
        sample: "•••••••••.9",
        sampleUserId: "u2",
      },
      {
        path: "properties.card",
        matcher: "credit_card",
        suggested: "red",
        classification: null,
        sources: JSON.stringify([h.source.id]),
        sample: "•••••••••••••••1111",
        sampleUserId: "u2",
      },
      {
        path: "traits.email",
        matcher: "email",
        suggested: "red",
        classification: null,
        sources: JSON.stringify([h.source.id]),
        sample: "a•••@e••••••.com",
        sampleUserId: "u1",
      },
      {
        path: "traits.firstName",
        matcher: "name",
        suggested: "yellow",
        classification: null,
        sources: JSON.stringify([h.source.id]),
        sample: "••••",
        sampleUserId: "u1",
      },
    ]);
  });
});

describe("incremental inbox", () => {
  it("adds a second source and a later lastSeen to a known field, keeping its first sighting", async () => {
    h = await start();
    const other = insertSource(h.db, { workspaceId: h.source.workspaceId });
    await post(
      h.url,
      "/v1/identify",
      { userId: "u1", traits: { email: "ada@example.com" } },
      { writeKey: h.source.writeKey },
    );
    h.srv.ingest.privacyFlush();
    const first = h.db.prepare(`SELECT "firstSeen", "lastSeen", "sample" FROM "PrivacyField"`).get() as {
      firstSeen: number;
      lastSeen: number;
      sample: string;
    };
    await new Promise((r) => setTimeout(r, 5));
    await post(
      h.url,
      "/v1/identify",
      { userId: "u9", traits: { email: "zed@example.org" } },
      { writeKey: other.writeKey },
    );
    h.srv.ingest.privacyFlush();
    const rows = h.db
      .prepare(`SELECT "firstSeen", "lastSeen", "sample", "sources" FROM "PrivacyField"`)
      .all() as {
      firstSeen: number;
      lastSeen: number;
      sample: string;
      sources: string;
    }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.firstSeen).toBe(first.firstSeen);
    expect(rows[0]!.lastSeen).toBeGreaterThan(first.lastSeen);
    expect(rows[0]!.sample).toBe(first.sample);
    expect(JSON.parse(rows[0]!.sources)).toEqual([h.source.id, other.id]);
  });
});

describe("suppression", () => {
  it("drops a suppressed userId's events before the archive and answers success", async () => {
    h = await start();
    h.db
      .prepare(
        `INSERT INTO "PrivacySuppression" ("workspaceId", "userId", "createdBy", "createdAt") VALUES (?, 'gone', 'o', 0)`,
      )
      .run(h.source.workspaceId);
    const { writeKey } = h.source;
    const single = await post(h.url, "/v1/track", { userId: "gone", event: "A" }, { writeKey });
    expect(single.status).toBe(200);
    const batch = await post(
      h.url,
      "/v1/batch",
      {
        batch: [
          { type: "track", userId: "gone", event: "B" },
          { type: "track", userId: "kept", event: "C" },
          { type: "track", userId: "gone" }, // invalid (no event): answered as rejected, not stored either
          { type: "track", userId: "kept" }, // invalid, stored as rejected as usual
        ],
      },
      { writeKey },
    );
    expect(batch.json).toMatchObject({ success: true, accepted: 2, duplicates: 0 });
    expect((batch.json as { rejected: { index: number }[] }).rejected.map((r) => r.index)).toEqual([2, 3]);
    const rows = archived(h.db, h.source.id);
    expect(rows.map((r) => [r.status, r.userId, r.event])).toEqual([
      ["accepted", "kept", "C"],
      ["rejected", "kept", null],
    ]);
    // Lifted: the user's events are stored again.
    h.db.prepare(`DELETE FROM "PrivacySuppression"`).run();
    await post(h.url, "/v1/track", { userId: "gone", event: "D" }, { writeKey });
    expect(archived(h.db, h.source.id).map((r) => r.event)).toEqual(["C", null, "D"]);
    expect(JSON.stringify(archived(h.db, h.source.id).slice(0, 2))).not.toContain("gone");
  });
});

describe("blocked at ingest", () => {
  it("removes a Red field blocked for the workspace before the message is archived", async () => {
    h = await start();
    h.db
      .prepare(
        `INSERT INTO "PrivacyField" ("workspaceId", "path", "matcher", "suggested", "classification", "blockAtIngest", "firstSeen", "lastSeen", "updatedAt")
         VALUES (?, 'traits.ssn', 'us_ssn', 'red', 'red', 1, 0, 0, 0), (?, 'traits.email', 'email', 'red', 'red', 0, 0, 0, 0)`,
      )
      .run(h.source.workspaceId, h.source.workspaceId);
    await post(
      h.url,
      "/v1/identify",
      { userId: "u1", traits: { ssn: "123-45-6789", email: "ada@example.com" } },
      { writeKey: h.source.writeKey },
    );
    // A rejected message (no userId or anonymousId) is archived as sent, but not with a blocked field.
    await post(
      h.url,
      "/v1/identify",
      { traits: { ssn: "123-45-6789", plan: "pro" } },
      { writeKey: h.source.writeKey },
    );
    const [row, rejected] = archived(h.db, h.source.id);
    expect(row!.message.traits).toEqual({ email: "ada@example.com" });
    expect(row!.payload).not.toContain("123-45-6789");
    expect(rejected!.status).toBe("rejected");
    expect(rejected!.message.traits).toEqual({ plan: "pro" });
  });
});

describe("when a workspace's privacy settings cannot be read", () => {
  it("refuses the request with 503 (the client retries) instead of storing it without its suppressions", async () => {
    h = await start();
    h.db.exec(`ALTER TABLE "PrivacySuppression" RENAME TO "PrivacySuppressionGone"`);
    expect(await trackOnce(h.url, h.source.writeKey, "privacy-unreadable-1")).toEqual(SETTINGS_UNREADABLE);
    expect(archived(h.db, h.source.id)).toEqual([]);
    // Readable again: the retry is stored.
    h.db.exec(`ALTER TABLE "PrivacySuppressionGone" RENAME TO "PrivacySuppression"`);
    expect(await trackOnce(h.url, h.source.writeKey, "privacy-unreadable-1")).toEqual({ status: 200 });
    expect(archived(h.db, h.source.id).map((r) => r.messageId)).toEqual(["privacy-unreadable-1"]);
  });
});
