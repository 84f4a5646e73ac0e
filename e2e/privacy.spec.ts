import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, type Page, test } from "@playwright/test";
import { signIn, snap } from "@/e2e/support/ui";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// The journey of issue 21 in Chromium: demo traffic carrying emails → the Privacy inbox shows
// traits.email suggested Red → the owner accepts → a webhook set to "No Red data" receives
// identify calls without the email while another webhook receives them whole; Event Delivery
// and the debugger say "privacy: N fields removed".

let sink: Sink;
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  sink = await startSink({ kind: "ok" });
});
test.afterAll(async () => {
  await sink?.close();
});

const run = promisify(execFile);

async function apiPost<T>(page: Page, path: string, data: unknown): Promise<T> {
  const origin = new URL(page.url()).origin;
  const res = await page.request.post(`${origin}${path}`, { data, headers: { origin } });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return (await res.json()) as T;
}

const bodies = (path: string) =>
  sink.requests.filter((r) => r.url === path).map((r) => JSON.parse(r.body) as Record<string, unknown>);

test("detect traits.email, accept Red, and keep it from a 'No Red' webhook", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page);
  const slug = new URL(page.url()).pathname.split("/")[1]!;
  const unique = Date.now().toString(36);
  const { source, writeKey } = await apiPost<{ source: { id: string }; writeKey: string }>(
    page,
    `/api/workspaces/${slug}/sources`,
    { name: `Privacy app ${unique}`, type: "node", environment: "prod" },
  );
  const hook = (name: string, path: string) =>
    apiPost<{ destination: { id: string } }>(page, `/api/workspaces/${slug}/destinations`, {
      type: "webhook",
      name: `${name} ${unique}`,
      sourceIds: [source.id],
      settings: { url: `${sink.url}${path}` },
      enabled: true,
    });
  const noRed = (await hook("No red hook", "/no-red")).destination.id;
  await hook("Everything hook", "/all");

  // Demo traffic: every 20th message is an identify with traits.email.
  const origin = new URL(page.url()).origin;
  await run("npx", [
    "tsx",
    "scripts/demo-traffic.ts",
    // One argument: a write key may start with "-", which a separate value would not survive.
    `--write-key=${writeKey}`,
    "--count",
    "45",
    "--rate",
    "50",
    "--host",
    origin,
  ]);

  await page.getByRole("link", { name: "Privacy", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Privacy", exact: true })).toBeVisible();
  const row = page.locator('tr[data-path="traits.email"]');
  // The inbox is written in batches every 2 s: reload until this source's sighting is there (the
  // path may already be known from another source's traffic earlier in the run).
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText(`Privacy app ${unique}`, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(row).toContainText("Email address");
  await expect(row).toContainText("Red");
  await expect(row).toContainText(`Privacy app ${unique}`);
  await expect(row).toContainText("@");
  await snap(page, "privacy-inbox");
  await row.getByRole("button", { name: "Accept red for traits.email" }).click();
  await expect(row).toBeHidden();
  await page.getByRole("tab", { name: "Classifications" }).click();
  await expect(page.locator('tr[data-path="traits.email"]')).toContainText("Red");

  await page.getByRole("tab", { name: "Destinations & consent" }).click();
  const dest = page.locator(`li[data-destination="No red hook ${unique}"]`);
  await dest.getByLabel(`Policy for No red hook ${unique}`).selectOption("no_red");
  await dest.getByRole("button", { name: "Save" }).click();
  await expect(dest.getByRole("button", { name: "Save" })).toBeDisabled();
  await snap(page, "privacy-destinations");

  // New identify calls: once the router has the new policy, the "No Red" hook gets them
  // without traits.email and the other hook gets them whole.
  let n = 0;
  await expect(async () => {
    const messageId = `privacy-journey-${unique}-${n++}`;
    const res = await page.request.post(`${origin}/v1/identify`, {
      data: { userId: "user_1001", messageId, traits: { email: "ada@example.com", plan: "pro" } },
      headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}` },
    });
    expect(res.status()).toBe(200);
    await expect
      .poll(() => bodies("/no-red").some((b) => b.messageId === messageId), { timeout: 5000 })
      .toBe(true);
    const toNoRed = bodies("/no-red").find((b) => b.messageId === messageId)!;
    expect(toNoRed.traits).toEqual({ plan: "pro" });
  }).toPass({ timeout: 60_000 });
  const last = `privacy-journey-${unique}-${n - 1}`;
  await expect
    .poll(() => bodies("/all").find((b) => b.messageId === last)?.traits, { timeout: 10_000 })
    .toEqual({
      email: "ada@example.com",
      plan: "pro",
    });

  // The debugger's Delivery tab for that event names the removal for the "No Red" hook only.
  await page.goto(`/${slug}/sources/${source.id}/debugger`);
  await page.locator("#debugger-search").fill(last);
  await expect(page.getByTestId("event-row")).toHaveCount(1);
  await page.getByTestId("event-row").first().click();
  await page.getByRole("tab", { name: "Delivery" }).click();
  const noRedRow = page.getByTestId("event-delivery-row").filter({ hasText: `No red hook ${unique}` });
  await expect(noRedRow.getByTestId("event-delivery-privacy")).toHaveText(
    "privacy: 1 field removed (traits.email)",
    { timeout: 15_000 },
  );
  const everythingRow = page
    .getByTestId("event-delivery-row")
    .filter({ hasText: `Everything hook ${unique}` });
  await expect(everythingRow).toBeVisible();
  await expect(everythingRow.getByTestId("event-delivery-privacy")).toHaveCount(0);
  await snap(page, "privacy-debugger-deliveries");

  // Event Delivery of the "No Red" hook counts the removals.
  await page.goto(`/${slug}/destinations/${noRed}/delivery`);
  await expect(page.getByTestId("metric-privacy")).toContainText("privacy:", { timeout: 30_000 });
  await expect(page.getByTestId("metric-privacy")).toContainText(
    /privacy: \d+ fields? removed from \d+ events?/,
  );
  await snap(page, "privacy-event-delivery");
});
