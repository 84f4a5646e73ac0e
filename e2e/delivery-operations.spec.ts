import { expect, test } from "@playwright/test";
import { signIn, snap } from "@/e2e/support/ui";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// A workspace owner's outage: a webhook answering 500 shows the status code and a sample on its
// Event Delivery tab while the messages are still being retried (within a minute of the first
// failure), the owner pauses and resumes it, then adds a second webhook and replays the last hour
// to it; the replay's progress reaches every event, sent with the original messageIds; the debugger
// shows one event's fate at both destinations.

const EVENTS = 5;
let down: Sink;
let fresh: Sink;

test.beforeAll(async () => {
  down = await startSink({ kind: "status", status: 500, body: '{"error":"upstream database is down"}' });
  fresh = await startSink({ kind: "ok" });
});
test.afterAll(async () => {
  await down?.close();
  await fresh?.close();
});

test("retrying failures are visible, pause and resume, replay the last hour to a second webhook", async ({
  page,
}) => {
  await signIn(page);
  const created = await page.request.post("/api/workspaces/demo/sources", {
    data: { name: "Outage Site", type: "website", environment: "dev" },
  });
  const { source, writeKey } = (await created.json()) as { source: { id: string }; writeKey: string };
  const hook = async (name: string, url: string) => {
    const res = await page.request.post("/api/workspaces/demo/destinations", {
      data: { type: "webhook", name, enabled: true, sourceIds: [source.id], settings: { url } },
    });
    expect(res.status()).toBe(201);
    return ((await res.json()) as { destination: { id: string } }).destination.id;
  };
  const failing = await hook("Outage hook", down.url);
  await page.waitForTimeout(2500); // the engine re-reads destinations about once a second
  const ids = Array.from({ length: EVENTS }, (_, i) => `outage-${Date.now()}-${i}`);
  const batch = ids.map((messageId, i) => ({
    type: "track",
    userId: `user-${i}`,
    event: "Checkout Started",
    messageId,
  }));
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
  expect(
    (await page.request.post("/v1/batch", { headers: { authorization: auth }, data: { batch } })).status(),
  ).toBe(200);

  // Within a minute of the first failure the tab shows the status code and a sample, marked retrying.
  await page.goto(`/demo/destinations/${failing}/delivery?period=1h`);
  const row = page.locator('[data-testid="error-row"][data-state="retrying"]');
  await expect(row).toHaveCount(1, { timeout: 60_000 });
  await expect(row.getByTestId("error-status")).toHaveText("500");
  await expect(row).toContainText("retrying");
  await expect(row.getByTestId("error-samples")).toContainText("500");
  await expect(page.getByTestId("metric-not-delivered")).toHaveText("0");
  await expect(page.getByTestId("metric-failure-rate")).toHaveText("none given up on yet");
  await expect(page.getByTestId("metric-retrying")).not.toHaveText("0");
  await expect(page.getByTestId("metric-failed-attempts")).not.toContainText(/^0 failed/);
  await row.getByRole("button").first().click();
  await expect(page.getByTestId("retrying-note")).toBeVisible();
  await expect(page.getByTestId("sample-response")).toContainText("upstream database is down");
  await snap(page, "delivery-ops-retrying");

  // Pause, then resume.
  await page.getByRole("button", { name: "Pause delivery" }).click();
  await expect(page.getByTestId("delivery-state")).toContainText("Paused by");
  await expect(page.getByTestId("badge-paused").first()).toBeVisible();
  await snap(page, "delivery-ops-paused");
  await page.getByRole("button", { name: "Resume delivery" }).click();
  await expect(page.getByRole("button", { name: "Pause delivery" })).toBeVisible();
  await expect(page.getByTestId("delivery-state")).not.toContainText("Paused");

  // A second webhook, added after the events: replay the last hour to it.
  const second = await hook("Replay target", fresh.url);
  await page.goto(`/demo/destinations/${second}/delivery?period=1h`);
  await expect(page.getByTestId("replay-retention")).toContainText("The archive keeps events for 7 days");
  await page.getByRole("button", { name: "Replay events…" }).click();
  const form = page.getByRole("form", { name: "Replay events" });
  await expect(form.getByLabel(/Outage Site/)).toBeChecked();
  await form.getByLabel("Events received").selectOption("1h");
  await form.getByRole("button", { name: "Start replay" }).click();
  const progress = page.getByTestId("replay-row").first();
  await expect(progress).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(progress.getByTestId("replay-progress")).toContainText(
    `${EVENTS} routed · ${EVENTS} delivered`,
  );
  expect(fresh.requests.map((r) => r.headers["idempotency-key"]).sort()).toEqual([...ids].sort());
  await expect(page.getByTestId("metric-replayed")).toContainText(`${EVENTS} of the messages`, {
    timeout: 15_000,
  });
  await snap(page, "delivery-ops-replayed");

  // The debugger: one event's fate at both destinations, with links to their Event Delivery.
  await page.goto(`/demo/sources/${source.id}/debugger`);
  await page.getByTestId("event-row").first().click();
  await page.getByRole("tab", { name: "Delivery" }).click();
  const fates = page.getByTestId("event-delivery-row");
  await expect(fates).toHaveCount(2);
  await expect(fates.filter({ hasText: "Replay target" })).toHaveAttribute("data-state", "delivered");
  await expect(fates.filter({ hasText: "Replay target" })).toContainText("replayed");
  await expect(fates.filter({ hasText: "Replay target" }).getByTestId("event-delivery-detail")).toContainText(
    "HTTP 200",
  );
  await expect(fates.filter({ hasText: "Outage hook" })).toHaveAttribute("data-state", "retrying");
  await expect(fates.filter({ hasText: "Outage hook" })).toContainText("Server error (HTTP 500)");
  await snap(page, "delivery-ops-debugger");
  await fates
    .filter({ hasText: "Outage hook" })
    .getByRole("link", { name: "Event Delivery at that time" })
    .click();
  await expect(page).toHaveURL(new RegExp(`/destinations/${failing}/delivery\\?from=`));
  await expect(page.getByTestId("period-range")).toBeVisible();

  // Replaying the last hour to the outage hook queues nothing twice: its messages are still being
  // retried, and the replay's progress says so.
  await page.goto(`/demo/destinations/${failing}/delivery?period=1h`);
  await page.getByRole("button", { name: "Replay events…" }).click();
  const again = page.getByRole("form", { name: "Replay events" });
  await again.getByLabel("Events received").selectOption("1h");
  await again.getByRole("button", { name: "Start replay" }).click();
  const queuedRow = page.getByTestId("replay-row").first();
  await expect(queuedRow).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(queuedRow.getByTestId("replay-progress")).toContainText("0 routed");
  await expect(queuedRow.getByTestId("replay-progress")).toContainText(`${EVENTS} already queued`);
  await snap(page, "delivery-ops-already-queued");
});
