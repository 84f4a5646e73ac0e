import { afterEach, describe, expect, it } from "vitest";
import { eventDelivery } from "@/lib/delivery/event-delivery";
import {
  archive,
  insertFilter,
  insertWorkspaceAndSource,
  outcomes,
  track,
  until,
} from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// The debugger's per-event delivery panel: one event, four destinations, four fates.

let h: Harness;
const sinks: Sink[] = [];
afterEach(async () => {
  await h?.close();
  for (const s of sinks.splice(0)) await s.close();
});

describe("per-event delivery", () => {
  it("shows delivered, filtered by the step, retrying with its last error, and not delivered with its reason", async () => {
    h = harness();
    const ok = await startSink();
    const failing = await startSink({ kind: "status", status: 500 });
    const gone = await startSink({ kind: "status", status: 404 });
    sinks.push(ok, failing, gone);
    const delivered = h.webhook(ok.url, {}, "A delivered");
    const filtered = h.webhook(ok.url, {}, "B filtered");
    insertFilter(h.db, { destinationId: filtered, condition: 'event = "Checkout"', action: "drop" });
    const retrying = h.webhook(failing.url, {}, "C retrying");
    const notDelivered = h.webhook(gone.url, {}, "D not delivered");
    h.start({ deadlineMs: 60_000, backoffBaseMs: 10_000, backoffMaxMs: 10_000 });
    const [seq] = archive(h.db, h, [track("Checkout", { messageId: "evt-1" })]);
    await until(
      () =>
        outcomes(h.db, retrying).length === 1 &&
        outcomes(h.db, notDelivered).length === 1 &&
        outcomes(h.db, delivered)[0]?.status === "delivered",
    );

    const view = (await eventDelivery(h.db, {
      workspaceId: h.workspaceId,
      sourceId: h.sourceId,
      seq: seq!,
    }))!;
    expect(view.messageId).toBe("evt-1");
    const by = new Map(view.destinations.map((d) => [d.name, d]));
    expect(by.get("A delivered")).toMatchObject({ state: "delivered", httpStatus: 200, attempts: 1 });
    expect(by.get("A delivered")!.latencyMs).not.toBeNull();
    expect(by.get("B filtered")).toMatchObject({
      state: "filtered",
      errorType: "destination_filter",
      title: "Destination filter",
    });
    expect(by.get("C retrying")).toMatchObject({
      state: "retrying",
      attempts: 1,
      httpStatus: 500,
      errorType: "server_error",
    });
    expect(by.get("C retrying")!.nextAttemptAt).toBeGreaterThan(Date.now());
    expect(by.get("D not delivered")).toMatchObject({
      state: "not_delivered",
      httpStatus: 404,
      errorType: "not_found",
    });

    // Another workspace's source cannot read the event; an unknown seq is not found.
    const other = insertWorkspaceAndSource(h.db);
    expect(
      await eventDelivery(h.db, { workspaceId: other.workspaceId, sourceId: other.sourceId, seq: seq! }),
    ).toBeNull();
    expect(
      await eventDelivery(h.db, { workspaceId: h.workspaceId, sourceId: h.sourceId, seq: 999_999 }),
    ).toBeNull();
  }, 20_000);
});
