import { afterEach, describe, expect, it } from "vitest";
import { archive, insertWorkspaceAndSource, outcomes, settled, until } from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// Classification and consent end to end: archive -> router (privacy steps) -> webhook sink,
// checking the exact JSON each destination receives.

let h: Harness;
let s: Sink;
afterEach(async () => {
  await h?.close();
  await s?.close();
});

const now = () => Date.now();

function classify(path: string, classification: string, workspaceId = h.workspaceId) {
  h.db
    .prepare(
      `INSERT INTO "PrivacyField" ("workspaceId", "path", "matcher", "suggested", "classification", "firstSeen", "lastSeen", "updatedAt")
       VALUES (?, ?, 'manual', ?, ?, ?, ?, ?)`,
    )
    .run(workspaceId, path, classification, classification, now(), now(), now());
}

function policy(destinationId: string, p: string, categories: string[] = []) {
  h.db
    .prepare(
      `INSERT INTO "PrivacyDestination" ("destinationId", "workspaceId", "policy", "consentCategories", "updatedAt") VALUES (?, ?, ?, ?, ?)`,
    )
    .run(destinationId, h.workspaceId, p, JSON.stringify(categories), now());
}

const bodiesAt = (path: string) =>
  s.requests.filter((r) => r.url === path).map((r) => JSON.parse(r.body) as Record<string, unknown>);

describe("privacy policies per destination", () => {
  it("removes Red fields for 'no Red', Red and Yellow for 'only Green', nothing for 'all'", async () => {
    h = harness();
    s = await startSink();
    const all = h.webhook(`${s.url}/all`, {}, "All hook");
    const noRed = h.webhook(`${s.url}/no-red`, {}, "No red hook");
    const green = h.webhook(`${s.url}/green`, {}, "Green hook");
    policy(all, "all");
    policy(noRed, "no_red");
    policy(green, "only_green");
    classify("traits.email", "red");
    classify("traits.phone", "yellow");
    classify("traits.plan", "green");
    classify("properties.products.card", "red");
    // Another workspace's classification must not touch this one.
    const other = insertWorkspaceAndSource(h.db);
    classify("traits.plan", "red", other.workspaceId);

    const identify = {
      type: "identify",
      userId: "u1",
      messageId: "m-identify",
      traits: { email: "ada@example.com", phone: "+1 415 555 2671", plan: "pro", age: 36 },
    };
    const order = {
      type: "track",
      event: "Order Completed",
      userId: "u1",
      messageId: "m-order",
      properties: { total: 10, products: [{ sku: "a", card: "4111111111111111" }, { sku: "b" }] },
    };
    const [seqIdentify, seqOrder] = archive(h.db, h, [identify, order]);
    const stored = h.db
      .prepare(`SELECT "payload" FROM "Message" WHERE "seq" IN (?, ?) ORDER BY "seq"`)
      .all(seqIdentify, seqOrder)
      .map((r) => JSON.parse((r as { payload: string }).payload) as Record<string, unknown>);
    h.start({ timeoutMs: 5_000, deadlineMs: 60_000 });
    for (const d of [all, noRed, green]) await until(settled(h.db, d, 2));

    const [sentIdentify, sentOrder] = stored as [
      Record<string, Record<string, unknown>>,
      Record<string, Record<string, unknown>>,
    ];
    expect(bodiesAt("/all")).toEqual([sentIdentify, sentOrder]);
    const { email: _e, ...traitsNoRed } = sentIdentify.traits as Record<string, unknown>;
    const orderNoCard = {
      ...sentOrder,
      properties: { total: 10, products: [{ sku: "a" }, { sku: "b" }] },
    };
    expect(bodiesAt("/no-red")).toEqual([{ ...sentIdentify, traits: traitsNoRed }, orderNoCard]);
    const { phone: _p, ...traitsGreen } = traitsNoRed;
    expect(bodiesAt("/green")).toEqual([{ ...sentIdentify, traits: traitsGreen }, orderNoCard]);
    expect((traitsGreen as Record<string, unknown>).plan).toBe("pro");

    // Every event still went; the removals are recorded per destination and message.
    for (const d of [all, noRed, green])
      expect(outcomes(h.db, d).map((o) => o.status)).toEqual(["delivered", "delivered"]);
    const notes = h.db
      .prepare(
        `SELECT "destinationId", "seq", "removed", "fields" FROM "PrivacyRemoval" ORDER BY "destinationId", "seq"`,
      )
      .all();
    expect(notes).toEqual(
      [
        { destinationId: noRed, seq: seqIdentify, removed: 1, fields: '["traits.email"]' },
        { destinationId: noRed, seq: seqOrder, removed: 1, fields: '["properties.products.card"]' },
        { destinationId: green, seq: seqIdentify, removed: 2, fields: '["traits.email","traits.phone"]' },
        { destinationId: green, seq: seqOrder, removed: 1, fields: '["properties.products.card"]' },
      ].sort((a, b) => a.destinationId.localeCompare(b.destinationId) || a.seq! - b.seq!),
    );
  });
});

describe("consent", () => {
  it("delivers only events whose preferences grant every category of the destination", async () => {
    h = harness();
    s = await startSink();
    const ads = h.webhook(`${s.url}/ads`, {}, "Ads hook");
    const plain = h.webhook(`${s.url}/plain`, {}, "Plain hook");
    policy(ads, "all", ["Advertising", "Analytics"]);
    const consent = (prefs: Record<string, unknown>) => ({ consent: { categoryPreferences: prefs } });
    archive(h.db, h, [
      { type: "track", event: "Both", userId: "u", context: consent({ Advertising: true, Analytics: true }) },
      {
        type: "track",
        event: "One denied",
        userId: "u",
        context: consent({ Advertising: false, Analytics: true }),
      },
      { type: "track", event: "One missing", userId: "u", context: consent({ Analytics: true }) },
      { type: "track", event: "No consent object", userId: "u" },
    ]);
    h.start({ timeoutMs: 5_000, deadlineMs: 60_000 });
    const rows = await until(settled(h.db, ads, 4));
    await until(settled(h.db, plain, 4));
    expect(rows.map((r) => [r.status, r.errorType])).toEqual([
      ["delivered", null],
      ["filtered", "no_consent"],
      ["filtered", "no_consent"],
      ["delivered", null], // the source's default for events without consent: deliver
    ]);
    expect(rows[1]!.errorMessage).toBe(
      'No consent for "Advertising" (the destination needs "Advertising", "Analytics")',
    );
    expect(bodiesAt("/ads").map((b) => b.event)).toEqual(["Both", "No consent object"]);
    expect(bodiesAt("/plain")).toHaveLength(4); // no categories mapped: no consent check
    const rollup = h.db
      .prepare(`SELECT SUM("filtered") AS f FROM "DeliveryRollup" WHERE "destinationId" = ?`)
      .get(ads);
    expect(rollup).toEqual({ f: 2 });
  });

  it("holds back events without consent preferences when the source says so", async () => {
    h = harness();
    s = await startSink();
    const ads = h.webhook(`${s.url}/ads`, {}, "Ads hook");
    policy(ads, "all", ["Advertising"]);
    h.db
      .prepare(
        `INSERT INTO "PrivacySource" ("sourceId", "workspaceId", "withoutConsent", "updatedAt") VALUES (?, ?, 'hold', ?)`,
      )
      .run(h.sourceId, h.workspaceId, now());
    archive(h.db, h, [
      { type: "track", event: "No consent object", userId: "u" },
      {
        type: "track",
        event: "Granted",
        userId: "u",
        context: { consent: { categoryPreferences: { Advertising: true } } },
      },
    ]);
    h.start({ timeoutMs: 5_000, deadlineMs: 60_000 });
    const rows = await until(settled(h.db, ads, 2));
    expect(rows.map((r) => r.status)).toEqual(["filtered", "delivered"]);
    expect(rows[0]!.errorMessage).toContain("holds such events back");
    expect(bodiesAt("/ads").map((b) => b.event)).toEqual(["Granted"]);
  });
});
