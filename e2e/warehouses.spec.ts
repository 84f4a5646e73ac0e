import { expect, test } from "@playwright/test";
import { signIn, snap } from "@/e2e/support/ui";
import { type TempPostgres, tempPostgres } from "@/lib/warehouses/testing";

// An owner adds a Postgres warehouse (the machine's PostgreSQL, a fresh database for this run),
// tests the connection, creates it, presses Sync now and reads the history with rows per table;
// then switches off a column in Selective Sync. The e2e server allows private addresses
// (ALLOW_PRIVATE_DESTINATIONS=true), which is what a warehouse at 127.0.0.1 needs.

let pgdb: TempPostgres;
test.beforeAll(async () => {
  pgdb = await tempPostgres("sy_wh_e2e");
});
test.afterAll(async () => {
  await pgdb?.drop();
});

test("add a Postgres warehouse, sync now, see the history with rows per table", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  const sourceName = `Warehouse shop ${Date.now()}`;
  const created = await page.request.post("/api/workspaces/demo/sources", {
    data: { name: sourceName, type: "node", environment: "prod" },
  });
  expect(created.status()).toBe(201);
  const { writeKey } = (await created.json()) as { writeKey: string };
  const auth = { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}` };
  for (const [path, data] of [
    ["/v1/track", { userId: "u1", event: "Order Completed", properties: { total: 42, coupon: "SPRING" } }],
    ["/v1/track", { userId: "u2", event: "Order Completed", properties: { total: 7 } }],
    ["/v1/identify", { userId: "u1", traits: { email: "ada@example.com" } }],
    ["/v1/page", { userId: "u1", name: "Pricing", properties: { path: "/pricing" } }],
  ] as const)
    expect((await page.request.post(path, { headers: auth, data })).status()).toBe(200);

  await page.goto("/demo/destinations/new?category=Warehouses");
  await page.getByRole("button", { name: /^Postgres/ }).click();
  await page.getByLabel(sourceName).check();
  await page.getByLabel("Destination name").fill("Analytics warehouse");
  await page.getByLabel("Host").fill(pgdb.settings.host);
  await page.getByLabel("Port").fill(String(pgdb.settings.port));
  await page.getByLabel("Database").fill(pgdb.settings.database);
  await page.getByLabel("User", { exact: true }).fill("postgres");
  await page.getByLabel("SSL mode").selectOption("disable");
  const create = page.getByRole("button", { name: "Create destination" });
  await expect(create).toBeDisabled();
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText("Connection works: Switchyard can sign in and create schemas.")).toBeVisible();
  await snap(page, "warehouse-new");
  await create.click();

  await expect(page.getByRole("link", { name: "Syncs" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Event Delivery" })).toHaveCount(0);
  await expect(page.getByTestId("integration-keys")).toContainText("not addressable");
  await page.getByRole("link", { name: "Syncs" }).click();
  await expect(page.getByText("No syncs yet")).toBeVisible();
  await page.getByRole("button", { name: "Sync now" }).click();
  const history = page.getByTestId("sync-history");
  await expect(history.getByText("Succeeded")).toBeVisible({ timeout: 60_000 });
  const schema = sourceName.toLowerCase().replace(/[^a-z0-9]+/g, "_");
  await expect(history).toContainText(`${schema}.order_completed: 2`);
  await expect(history).toContainText(`${schema}.tracks: 2`);
  await expect(history).toContainText(`${schema}.users: 1`);
  await expect(history).toContainText(`${schema}.pages: 1`);
  await expect(page.getByTestId("pending")).toHaveText("0 messages");
  await snap(page, "warehouse-syncs");
  expect(await pgdb.query(`SELECT COUNT(*)::int AS n FROM "${schema}".order_completed`)).toEqual([{ n: 2 }]);

  // Selective Sync: untick coupon; the next sync loads total but not coupon.
  await page.getByRole("link", { name: "Selective Sync" }).click();
  const tables = page.getByTestId("selective-sync");
  await tables.getByRole("button", { name: /columns of order_completed$/ }).click();
  await page.locator("#c-order_completed-coupon").uncheck();
  await page.getByRole("button", { name: "Save Selective Sync" }).click();
  await expect(page.getByText("Saved")).toBeVisible();
  await snap(page, "warehouse-selective-sync");
  await page.request.post("/v1/track", {
    headers: auth,
    data: { userId: "u3", event: "Order Completed", properties: { total: 9, coupon: "HIDDEN" } },
  });
  await page.getByRole("link", { name: "Syncs" }).click();
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(history.getByText("Succeeded")).toHaveCount(2, { timeout: 60_000 });
  expect(
    await pgdb.query(`SELECT total, coupon FROM "${schema}".order_completed WHERE user_id = 'u3'`),
  ).toEqual([{ total: "9", coupon: null }]);
});
