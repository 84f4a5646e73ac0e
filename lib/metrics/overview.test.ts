import type Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { evaluateHealth } from "@/lib/delivery/health";
import { insertDestination, insertWorkspaceAndSource, tempDb } from "@/lib/delivery/testing/fixtures";
import { exactQuantile } from "@/lib/metrics/histogram";
import { workspaceOverview } from "@/lib/metrics/overview";
import { DAY, HOUR, MINUTE } from "@/lib/metrics/period";
import { recordHistory, seeded } from "@/lib/metrics/testing/history";

const NOW = Date.UTC(2026, 8, 1, 10, 20, 0);
let db: Database.Database | undefined;
afterEach(() => db?.close());

describe("workspace delivery health", () => {
  it("shows every destination's last 24 hours, its state and one feed entry per state change", async () => {
    ({ db } = tempDb("switchyard-overview-"));
    const ws = insertWorkspaceAndSource(db);
    const dest = (name: string) =>
      insertDestination(db!, {
        ...ws,
        sourceIds: [ws.sourceId],
        type: "webhook",
        name,
        settings: { url: "https://x.example/" },
      });
    const [good, bad, idle] = [dest("Good"), dest("Bad"), dest("Idle")];
    const base = { db, workspaceId: ws.workspaceId, sources: [ws.sourceId], random: seeded(3) };
    recordHistory({
      ...base,
      destinations: [good],
      from: NOW - 2 * DAY,
      to: NOW,
      count: 3000,
      notDelivered: 0,
    });
    recordHistory({
      ...base,
      destinations: [bad],
      from: NOW - 4 * MINUTE,
      to: NOW,
      count: 200,
      notDelivered: 0.9,
      firstSeq: 100_000,
    });
    // Judged twice while failing, then after recovery: two changes, not one per failed message.
    evaluateHealth(db, NOW);
    evaluateHealth(db, NOW + 1000);
    evaluateHealth(db, NOW + 10 * MINUTE);

    const view = await workspaceOverview(ws.workspaceId, { db, now: NOW + 10 * MINUTE });
    expect(view.window.bucketMs).toBe(HOUR);
    expect(view.rules.failingRate).toBe(0.5);
    const byName = new Map(view.destinations.map((d) => [d.name, d]));
    expect([...byName.keys()]).toEqual(["Bad", "Good", "Idle"]);
    expect(byName.get("Idle")).toMatchObject({
      delivered: 0,
      notDelivered: 0,
      p95Ms: null,
      state: "healthy",
    });
    expect(byName.get("Idle")!.spark).toHaveLength(24);
    expect(byName.get("Idle")!.spark.every((p) => p.delivered === 0 && p.notDelivered === 0)).toBe(true);
    expect(byName.get("Bad")!.state).toBe("healthy");

    const from = Date.parse(view.window.from);
    const to = Date.parse(view.window.to);
    for (const d of view.destinations) {
      const rows = db
        .prepare(
          `SELECT "status", "latencyMs" FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "finishedAt" >= ? AND "finishedAt" < ?`,
        )
        .all(d.destinationId, from, to) as { status: string; latencyMs: number | null }[];
      const delivered = rows.filter((r) => r.status === "delivered");
      expect(d.delivered).toBe(delivered.length);
      expect(d.notDelivered).toBe(rows.filter((r) => r.status === "not_delivered").length);
      expect(d.spark.reduce((n, p) => n + p.delivered, 0)).toBe(d.delivered);
      const exact = exactQuantile(
        delivered.map((r) => r.latencyMs!),
        0.95,
      );
      if (exact === null) expect(d.p95Ms).toBeNull();
      else expect(Math.abs(d.p95Ms! - exact) / exact).toBeLessThan(0.02);
    }
    expect(view.totals.delivered).toBe(view.destinations.reduce((n, d) => n + d.delivered, 0));
    expect(view.activity.map((a) => [a.destinationName, a.previousState, a.state])).toEqual([
      ["Bad", "failing", "healthy"],
      ["Bad", "healthy", "failing"],
    ]);
    expect(byName.get("Good")!.failureRate).toBe(0);
    expect(view.activity.every((a) => a.destinationId === bad)).toBe(true);
    expect(view.destinations.find((d) => d.destinationId === idle)!.pendingRetries).toBe(0);
  });
});
