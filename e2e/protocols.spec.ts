import { expect, type Page, test } from "@playwright/test";
import { signIn, snap } from "@/e2e/support/ui";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// Protocols as an owner uses them: the Schema tab of a source receiving traffic, blocking one
// event (it stops reaching the webhook, its counter rises, the debugger marks it), a tracking plan
// made from a use case and connected with "block unplanned events", then a planned, an unplanned
// and an invalid event, seen in the Violations view and in the debugger.

let sink: Sink;
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  sink = await startSink({ kind: "ok" });
});
test.afterAll(async () => {
  await sink?.close();
});

const events = () => sink.requests.map((r) => (JSON.parse(r.body) as { event?: string }).event);

async function send(page: Page, writeKey: string, batch: Record<string, unknown>[]) {
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
  const res = await page.request.post("/v1/batch", { headers: { authorization: auth }, data: { batch } });
  expect(res.status()).toBe(200);
}

test("schema, a blocked event, a plan from a use case, violations", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  const created = await page.request.post("/api/workspaces/demo/sources", {
    data: { name: "Protocols Shop", type: "website", environment: "dev" },
  });
  const { source, writeKey } = (await created.json()) as { source: { id: string }; writeKey: string };
  const dest = await page.request.post("/api/workspaces/demo/destinations", {
    data: {
      type: "webhook",
      name: "Orders hook",
      enabled: true,
      sourceIds: [source.id],
      settings: { url: sink.url },
    },
  });
  expect(dest.status()).toBe(201);
  await page.waitForTimeout(2500); // the router re-reads destinations about once a second
  await send(page, writeKey, [
    { type: "track", userId: "u1", event: "Order Completed", properties: { order_id: "o1", total: 30 } },
    { type: "track", userId: "u2", event: "Product Viewed", properties: { product_id: "p1" } },
    { type: "track", userId: "u2", event: "Debug Ping", properties: { n: 1 } },
    { type: "identify", userId: "u2", traits: { email: "u2@example.com" } },
  ]);
  await expect.poll(() => sink.count, { timeout: 30_000 }).toBe(4);

  // The Schema tab lists what arrived.
  const base = `/demo/sources/${source.id}`;
  await page.goto(`${base}/schema`);
  const rows = page.getByTestId("schema-row");
  await expect(rows).toHaveCount(3);
  await page.getByRole("button", { name: "Order Completed" }).click();
  await expect(page.getByTestId("property-table")).toContainText("order_id");
  await page.getByLabel("Search").fill("debug");
  await expect(rows).toHaveCount(1);
  await snap(page, "protocols-schema");

  // Block "Debug Ping": it stops reaching the webhook and its counter rises.
  await page.getByLabel("Block Debug Ping").click();
  await expect(page.getByLabel("Block Debug Ping")).toBeChecked();
  await expect(page.getByTestId("block-counter")).toContainText("Blocked · 0 times");
  await page.waitForTimeout(1100); // ingest re-reads a source's filters within a second
  await send(page, writeKey, [
    { type: "track", userId: "u3", event: "Debug Ping", properties: { n: 2 } },
    { type: "track", userId: "u3", event: "Debug Ping", properties: { n: 3 } },
    { type: "track", userId: "u3", event: "Order Completed", properties: { order_id: "o2", total: 10 } },
  ]);
  await expect.poll(() => sink.count, { timeout: 30_000 }).toBe(5);
  await page.waitForTimeout(1000);
  expect(events().filter((e) => e === "Debug Ping")).toHaveLength(1);
  await page.reload();
  await page.getByLabel("Search").fill("debug");
  await expect(page.getByTestId("block-counter")).toContainText("Blocked · 2 times");
  await page.goto(`${base}/debugger`);
  await expect(page.getByTestId("blocked-badge").first()).toContainText("Blocked by schema");

  // A plan from a use case, connected with "block unplanned events".
  await page.goto("/demo/tracking-plans");
  await page.getByLabel("Name").fill("Lookalike plan");
  await page.getByLabel("Start from").selectOption("usecase");
  await page.getByLabel("Use case").selectOption("optimize-advertising/build-high-value-lookalikes");
  await page.getByRole("button", { name: "Create plan" }).click();
  await expect(page.getByTestId("plan-events")).toContainText("Order Completed");
  await snap(page, "protocols-plan");
  const planId = page.url().split("/").pop()!;
  await page.goto(`${base}/settings`);
  await page.getByLabel("Tracking plan", { exact: true }).selectOption(planId);
  await page.getByLabel("Track: unplanned events").selectOption("block");
  await page.getByRole("button", { name: "Save" }).last().click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await page.waitForTimeout(1100);

  const before = sink.count;
  await send(page, writeKey, [
    { type: "track", userId: "u4", event: "Order Completed", properties: { order_id: "o3", total: 99.5 } },
    { type: "track", userId: "u4", event: "Wishlist Shared", properties: {} },
    { type: "track", userId: "u4", event: "Order Completed", properties: { order_id: "o4", total: "lots" } },
  ]);
  // Planned and invalid (allowed by default) arrive; the unplanned one is blocked.
  await expect.poll(() => sink.count, { timeout: 30_000 }).toBe(before + 2);
  await page.waitForTimeout(1000);
  expect(events()).not.toContain("Wishlist Shared");

  await page.goto(`${base}/violations`);
  const violations = page.getByTestId("violation-row");
  await expect(violations).toHaveCount(2);
  await expect(page.getByTestId("violations-table")).toContainText("Wishlist Shared");
  await expect(page.getByTestId("violations-table")).toContainText("properties.total must be number");
  await snap(page, "protocols-violations");

  await page.goto(`${base}/debugger`);
  await expect(page.getByTestId("blocked-badge").first()).toContainText("Blocked by plan");
  await page.getByTestId("event-row").filter({ hasText: "Wishlist Shared" }).click();
  await expect(page.getByTestId("protocol-notes")).toContainText('unplanned event "Wishlist Shared"');
  // Newest first: the invalid order is the top row.
  await page.getByTestId("event-row").first().click();
  await expect(page.getByTestId("protocol-notes")).toContainText("properties.total must be number");
  await snap(page, "protocols-debugger");
});
