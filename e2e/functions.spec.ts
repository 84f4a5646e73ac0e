import { expect, test } from "@playwright/test";
import { signIn, snap } from "@/e2e/support/ui";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// The journey of issue 20 in Chromium: create a source function from the Stripe-like template,
// test it, deploy it, create its source and post a webhook to its URL, see the emitted track in the
// debugger, then insert a function that drops one event name into the destination behind that
// source and see the drop counted as filtered in Event Delivery. A read-only member sees the code
// but no controls and no webhook URL.

let sink: Sink;
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  sink = await startSink({ kind: "ok" });
});
test.afterAll(async () => {
  await sink?.close();
});

const webhook = (type: string, customer: string) => ({
  type,
  data: { object: { id: `obj_${type}`, customer, amount_paid: 1999, currency: "eur" } },
});

test("source function → debugger → insert function drop counted in Event Delivery", async ({ page }) => {
  test.setTimeout(180_000); // a long journey: two functions, two deploys, delivery to settle
  await signIn(page);
  await page.getByRole("link", { name: "Functions", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Functions", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "New function" }).first().click();
  await page.getByText("Stripe-like webhook").click();
  await page.getByRole("textbox", { name: "Name" }).fill("Stripe billing");
  await snap(page, "functions-new");
  await page.getByRole("button", { name: "Create function" }).click();

  // The editor: highlighted code, a test against the sample request, then deploy.
  await expect(page.getByRole("heading", { name: /Stripe billing/ })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator(".cm-content")).toContainText("async function onRequest");
  await expect(page.locator(".cm-content .tok-keyword, .cm-content [class*='ͼ']").first()).toBeVisible();
  await page.getByRole("button", { name: "Run test" }).click();
  const result = page.getByTestId("test-result");
  await expect(result).toContainText("ok", { timeout: 30_000 });
  await expect(result).toContainText("Invoice Paid");
  await snap(page, "functions-editor-tested");
  await page.getByRole("button", { name: "Deploy", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Deployed version 1" })).toBeVisible({
    timeout: 30_000,
  });

  // Its source, and the inbound URL revealed to the owner.
  await page.getByRole("button", { name: "Create source" }).click();
  await page.getByLabel("Source name").fill("Stripe (dev)");
  await page.getByRole("combobox").filter({ hasText: "prod" }).selectOption("dev");
  await page.getByRole("button", { name: "Create source" }).last().click();
  const instance = page.getByTestId("instance");
  await expect(instance.getByTestId("webhook-url")).toContainText("/v1/functions/");
  await instance.getByRole("button", { name: "Reveal" }).click();
  await expect(instance.getByTestId("webhook-url")).not.toContainText("••••");
  const url = (await instance.getByTestId("webhook-url").textContent())!.trim();
  await snap(page, "functions-source-instance");

  // A webhook destination behind the new source, so there is an Event Delivery to look at.
  const sourceHref = (await instance.getByRole("link", { name: "Stripe (dev)" }).getAttribute("href"))!;
  const sourceId = sourceHref.split("/")[3]!;
  const dest = await page.request.post("/api/workspaces/demo/destinations", {
    data: {
      type: "webhook",
      name: "Stripe events hook",
      enabled: true,
      sourceIds: [sourceId],
      settings: { url: sink.url },
    },
  });
  expect(dest.status(), await dest.text()).toBe(201);
  const destinationId = ((await dest.json()) as { destination: { id: string } }).destination.id;

  // A third party posts its webhook; the debugger shows the track it became.
  await instance.getByRole("link", { name: "Stripe (dev)" }).click();
  await expect(page).toHaveURL(/\/debugger/, { timeout: 30_000 });
  const posted = await page.request.post(url, { data: webhook("invoice.paid", "cus_42") });
  expect(posted.status()).toBe(200);
  await expect(page.getByText("Invoice Paid").first()).toBeVisible({ timeout: 15_000 });
  await snap(page, "functions-debugger");

  // An insert function on that destination, dropping one event name.
  await page.goto("/demo/functions");
  await page.getByRole("button", { name: "New function" }).first().click();
  await page.getByText("Insert function", { exact: true }).click();
  await page.getByText("Rename events").click();
  await page.getByRole("textbox", { name: "Name" }).fill("Drop refunds");
  await page.getByRole("button", { name: "Create function" }).click();
  await expect(page.getByRole("heading", { name: /Drop refunds/ })).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Deploy", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Deployed version 1" })).toBeVisible({
    timeout: 30_000,
  });
  await page.getByRole("button", { name: "Insert into a destination" }).click();
  await page
    .getByRole("combobox")
    .filter({ hasText: "Choose a destination" })
    .selectOption({ label: "Stripe events hook (Webhook)" });
  await page.getByLabel("Events to drop").first().fill("charge.refunded");
  await page.getByRole("button", { name: "Insert into a destination" }).last().click();
  await expect(page.getByTestId("instance").getByRole("link", { name: "Stripe events hook" })).toBeVisible();
  await snap(page, "functions-insert-attached");

  // The engine re-reads destinations and functions about once a second.
  await page.waitForTimeout(2500);
  expect((await page.request.post(url, { data: webhook("charge.refunded", "cus_42") })).status()).toBe(200);
  expect((await page.request.post(url, { data: webhook("invoice.paid", "cus_43") })).status()).toBe(200);
  await expect.poll(() => sink.requests.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);

  await page.goto(`/demo/destinations/${destinationId}/delivery?period=1h`);
  await expect(page.getByTestId("metric-filtered")).toContainText("1", { timeout: 30_000 });
  await expect(page.getByTestId("metric-filtered").locator("..")).toContainText("Dropped by insert function");
  await snap(page, "functions-event-delivery");
  expect(sink.requests.some((r) => r.body.includes("charge.refunded"))).toBe(false);
});

test("a read-only member reads the code, without controls or the webhook URL", async ({ page, browser }) => {
  await signIn(page);
  const invite = await page.request.post("/api/workspaces/demo/invitations", { data: { role: "read_only" } });
  expect(invite.status()).toBe(201);
  const { link } = (await invite.json()) as { link: string };
  const context = await browser.newContext();
  const reader = await context.newPage();
  await reader.goto(link);
  await reader.getByLabel("Your name").fill("Rita Reader");
  await reader.getByLabel("Email").fill(`rita-${Date.now()}@example.com`);
  await reader.getByLabel("Password").fill("rita-password-123");
  await reader.getByRole("button", { name: "Create account and join" }).click();
  await expect(reader.getByTestId("role")).toHaveText("Read-only Member");
  await reader.goto("/demo/functions");
  await expect(reader.getByRole("link", { name: "Stripe billing" })).toBeVisible();
  await expect(reader.getByRole("button", { name: "New function" })).toHaveCount(0);
  await reader.getByRole("link", { name: "Stripe billing" }).click();
  await expect(reader.getByText("Read-only: your role can read this function")).toBeVisible();
  await expect(reader.locator(".cm-content")).toContainText("onRequest");
  await expect(reader.locator(".cm-content")).toHaveAttribute("contenteditable", "false");
  await expect(reader.getByRole("button", { name: "Deploy", exact: true })).toHaveCount(0);
  await expect(reader.getByTestId("webhook-url")).toContainText("••••");
  await expect(reader.getByRole("button", { name: "Reveal" })).toHaveCount(0);
  await snap(reader, "functions-read-only");
  await context.close();
});
