import http from "node:http";
import type { AddressInfo } from "node:net";
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { OWNER, signIn, snap } from "@/e2e/support/ui";

// Guided setup the way a new owner meets it: sign up, Get started, pick "Personalize
// communications and product experiences" -> "Personalize winback", review the events, connect a
// dev Website source, send the three events over real HTTP and watch them tick off, connect a dev
// Webhook (a local sink) and see events delivered, publish both to prod, send with the prod key,
// mark complete. Then a read-only member: the wizard with no enabled control, 403 from the API.

const EVENTS = {
  "Page Viewed": { page_category: "Docs", page_name: "Pricing" },
  "Page Scrolled": { pct_scrolled: 75, page_category: "Docs" },
  "Order Completed": { order_id: "ord_1", total: 42, revenue: 40, products: [] },
} as const;

function track(request: APIRequestContext, writeKey: string, event: string, properties: object) {
  return request.post("/v1/track", {
    headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}` },
    data: { userId: "winback-user", event, properties },
  });
}

/** A webhook receiver on this machine (the e2e server runs with ALLOW_PRIVATE_DESTINATIONS=true). */
async function startSink() {
  const bodies: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      bodies.push(JSON.parse(body || "{}"));
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    events: () => bodies.map((b) => b.event),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const soft = expect.configure({ soft: true });
const step = (page: Page, id: string) => page.getByTestId(`step-${id}`);
const tick = (page: Page, env: string, slug: string) => page.getByTestId(`verify-${env}-${slug}`);

test("a new owner goes from sign-up to data flowing in dev and prod", async ({ page }) => {
  test.setTimeout(180_000);
  const sink = await startSink();
  const email = `winback-${Date.now()}@example.com`;

  // Sign up; a new workspace lands on the welcome screen (or reaches it from the navigation).
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Wendy Winback");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill("winback-password-123");
  await page.getByLabel("Workspace name").fill("Winback Shop");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("navigation", { name: "Workspace" })).toBeVisible();
  const slug = new URL(page.url()).pathname.split("/")[1]!;
  if (!page.url().includes("/setup"))
    await page.getByRole("link", { name: "Guided setup", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Welcome to Switchyard" })).toBeVisible();
  await snap(page, "setup-welcome");
  await page.getByRole("link", { name: "Get started" }).click();

  // Business goal with its key considerations, then the use case.
  await expect(page.getByRole("heading", { name: "What is your business goal?" })).toBeVisible();
  await expect(page.getByRole("main").getByRole("radio")).toHaveCount(4);
  await expect(page.getByText("Are you trying to re-engage inactive customers?")).toBeVisible();
  await page.getByRole("radio", { name: /^Personalize communications and product experiences/ }).check();
  await snap(page, "setup-goal");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("heading", { name: "Which use case would you like to set up?" })).toBeVisible();
  await page.getByRole("radio", { name: /^Personalize winback/ }).check();
  await snap(page, "setup-use-case");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("heading", { name: "Work in dev first, then publish to prod" })).toBeVisible();
  await snap(page, "setup-environments");
  await page.getByRole("button", { name: "Next" }).click();

  // The checklist: review the suggested events, which locks the use case.
  await expect(page.getByRole("heading", { name: "Setup checklist" })).toBeVisible();
  await expect(page.getByTestId("use-case-name")).toHaveText("Personalize winback");
  await expect(page.getByTestId("live-status")).toHaveText("● Live");
  await expect(page.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "0");
  const table = page.getByTestId("suggested-events");
  for (const event of Object.keys(EVENTS))
    await expect(table.getByRole("rowheader", { name: event })).toBeVisible();
  await expect(table).toContainText("checkout_id");
  await expect(page.getByTestId("tracking-plan")).toContainText('analytics.track("Order Completed", {');
  await expect(step(page, "review").getByRole("button", { name: "Change use case" })).toBeEnabled();
  await snap(page, "setup-checklist-review");
  await page.getByRole("button", { name: "Mark as reviewed" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Mark as reviewed" }).click();
  await expect(step(page, "review")).toHaveAttribute("data-done", "true");
  await expect(page.getByRole("button", { name: "Change use case" })).toHaveCount(0);

  // Connect a dev Website source through the add-source flow, preset to dev.
  await page.getByRole("link", { name: "Connect Website source" }).click();
  await expect(page.getByRole("heading", { name: "Add Website (JavaScript) source" })).toBeVisible();
  await expect(page.getByLabel("Environment label")).toHaveValue("dev");
  await page.getByLabel("Name").fill("Storefront");
  await page.getByRole("button", { name: "Create source" }).click();
  await expect(step(page, "dev-sources")).toHaveAttribute("data-done", "true");
  await expect(page.getByTestId("dev-sources")).toContainText("Storefront");
  const sources = (await (await page.request.get(`/api/workspaces/${slug}/sources`)).json()) as {
    sources: { id: string; name: string }[];
  };
  const devId = sources.sources.find((s) => s.name === "Storefront")!.id;
  const devKey = (
    (await (await page.request.get(`/api/workspaces/${slug}/sources/${devId}/write-key`)).json()) as {
      writeKey: string;
    }
  ).writeKey;

  // Send the three events over HTTP: each one's check mark appears without a reload.
  for (const name of ["page-viewed", "page-scrolled", "order-completed"])
    await expect(tick(page, "dev", name)).toHaveAttribute("data-received", "false");
  // Sent in the wrong case it does not count, and the row says which name was meant.
  expect((await track(page.request, devKey, "order completed", EVENTS["Order Completed"])).status()).toBe(
    200,
  );
  const hint = page.getByTestId("near-miss-dev-order-completed");
  await expect(hint).toContainText("Received order completed. Did you mean Order Completed?", {
    timeout: 5000,
  });
  await expect(tick(page, "dev", "order-completed")).toHaveAttribute("data-received", "false");
  await snap(page, "setup-dev-did-you-mean");
  const slugs = ["page-viewed", "page-scrolled", "order-completed"];
  for (const [i, [event, properties]] of Object.entries(EVENTS).entries()) {
    expect((await track(page.request, devKey, event, properties)).status()).toBe(200);
    await expect(tick(page, "dev", slugs[i]!)).toHaveAttribute("data-received", "true", { timeout: 3000 });
  }
  await expect(step(page, "dev-verify")).toHaveAttribute("data-done", "true");
  await expect(hint).toHaveCount(0);
  // Dev is not complete without a destination: no pointer to Prod yet.
  await expect(page.getByTestId("next-to-prod")).toHaveCount(0);
  await expect(tick(page, "dev", "order-completed").getByRole("link", { name: "Debugger" })).toHaveAttribute(
    "href",
    `/${slug}/sources/${devId}/debugger`,
  );
  await snap(page, "setup-dev-verified");

  // Connect a dev Webhook destination pointing at the local sink.
  await step(page, "dev-destinations").getByRole("link", { name: "Connect more" }).click();
  await page.getByRole("searchbox", { name: "Search destinations" }).fill("webhook");
  await page.getByRole("button", { name: /^Webhook/ }).click();
  await expect(page.getByRole("checkbox", { name: /Storefront/ })).toBeChecked();
  await page.getByLabel("Webhook URL").fill(sink.url);
  await page.getByLabel(/^Enable now/).check();
  await page.getByRole("button", { name: "Create destination" }).click();
  await expect(step(page, "dev-destinations")).toHaveAttribute("data-done", "true");
  const devHook = page.getByTestId("dev-destinations").getByRole("listitem").filter({ hasText: "Webhook" });
  await expect(devHook).toContainText("Enabled");

  // Events sent from now on reach the sink, and the wizard shows them delivered.
  for (const [event, properties] of Object.entries(EVENTS))
    expect((await track(page.request, devKey, event, properties)).status()).toBe(200);
  // Soft: if the delivery engine is not running, the test fails here but still checks prod.
  await soft(devHook.getByTestId("delivered")).toHaveText(/^3 delivered/, { timeout: 15_000 });
  await soft
    .poll(() => sink.events(), { timeout: 5000 })
    .toEqual(expect.arrayContaining(Object.keys(EVENTS)));
  await snap(page, "setup-dev-delivered");

  // Prod: copy the source (new write key) and the destination (same settings, fed by prod). With
  // every Dev step done, the Dev tab points there.
  await expect(page.getByTestId("next-to-prod")).toContainText("Dev is done");
  await snap(page, "setup-dev-next-to-prod");
  await page.getByRole("button", { name: "Continue in Prod →" }).click();
  await expect(page.getByRole("tab", { name: /Prod/ })).toHaveAttribute("aria-selected", "true");
  await expect(page).toHaveURL(/tab=prod/);
  await page.getByRole("button", { name: "Connect prod source" }).click();
  await expect(page.getByLabel("Dev source to copy")).toHaveValue(devId);
  await page.getByRole("button", { name: "Create prod source" }).click();
  const prodKey = (await page.getByTestId("prod-write-key").textContent())!;
  expect(prodKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
  expect(prodKey).not.toBe(devKey);
  await expect(step(page, "prod-source")).toHaveAttribute("data-done", "true");
  await expect(page.getByTestId("prod-sources")).toContainText("Storefront (prod)");
  await page.getByRole("button", { name: "Connect prod destination" }).click();
  await expect(page.getByLabel("Receives from prod source")).toContainText("Storefront (prod)");
  await page.getByRole("button", { name: "Create prod destination" }).click();
  await expect(step(page, "prod-destination")).toHaveAttribute("data-done", "true");
  const prodHook = page
    .getByTestId("prod-destinations")
    .getByRole("listitem")
    .filter({ hasText: "Webhook (prod)" });
  await expect(prodHook).toContainText("Enabled");
  await expect(page.getByRole("button", { name: "Mark as complete" })).toBeDisabled();
  await expect(page.getByTestId("missing")).toContainText("Receive a suggested event on a prod source");

  // An event with the prod write key verifies prod (and is delivered to the prod webhook).
  const before = sink.events().length;
  expect((await track(page.request, prodKey, "Order Completed", EVENTS["Order Completed"])).status()).toBe(
    200,
  );
  await expect(tick(page, "prod", "order-completed")).toHaveAttribute("data-received", "true", {
    timeout: 3000,
  });
  await expect(step(page, "prod-verify")).toHaveAttribute("data-done", "true");
  await soft(prodHook.getByTestId("delivered")).toHaveText(/^1 delivered/, { timeout: 15_000 });
  await soft.poll(() => sink.events().length, { timeout: 5000 }).toBeGreaterThan(before);
  await snap(page, "setup-prod-verified");

  await page.getByRole("button", { name: "Mark as complete" }).click();
  await expect(step(page, "complete")).toHaveAttribute("data-done", "true");
  await expect(page.getByRole("status").filter({ hasText: "Guided setup completed" })).toBeVisible();
  await expect(page.getByTestId("setup-progress-text")).toHaveText("8 of 8 steps done");
  await snap(page, "setup-complete");

  // Resumable: after a reload (and for any later session) the same progress is there.
  await page.goto(`/${slug}/setup`);
  await expect(page).toHaveURL(new RegExp(`/${slug}/setup/checklist`));
  await expect(page.getByTestId("setup-progress-text")).toHaveText("8 of 8 steps done");
  const audit = (await (await page.request.get(`/api/workspaces/${slug}/audit?action=setup.`)).json()) as {
    events: { action: string }[];
  };
  expect(audit.events.map((e) => e.action)).toEqual(
    expect.arrayContaining(["setup.use_case_chosen", "setup.events_reviewed", "setup.completed"]),
  );
  await sink.close();
});

test("a read-only member sees the wizard with no enabled control and gets 403 from the API", async ({
  page,
  browser,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const choose = await page.request.post("/api/workspaces/demo/setup", {
    data: { goalId: "optimize-advertising", useCaseSlug: "mitigate-cart-abandonment" },
  });
  expect([201, 409]).toContain(choose.status());
  await page.request.post("/api/workspaces/demo/setup/environments", { data: {} });
  await page.goto("/demo/setup");
  await expect(page.getByRole("button", { name: "Mark as reviewed" })).toBeEnabled();
  const invite = await page.request.post("/api/workspaces/demo/invitations", { data: { role: "read_only" } });
  const { link } = (await invite.json()) as { link: string };

  const context = await browser.newContext();
  const reader = await context.newPage();
  await reader.goto(link);
  await reader.getByLabel("Your name").fill("Rory Reader");
  await reader.getByLabel("Email").fill(`rory-${Date.now()}@example.com`);
  await reader.getByLabel("Password").fill("rory-password-123");
  await reader.getByRole("button", { name: "Create account and join" }).click();
  await expect(reader.getByTestId("role")).toHaveText("Read-only Member");
  await reader.getByRole("link", { name: "Guided setup", exact: true }).click();
  await expect(reader.getByRole("heading", { name: "Setup checklist" })).toBeVisible();
  await expect(reader.getByTestId("setup-read-only")).toBeVisible();
  await expect(reader.getByTestId("suggested-events")).toContainText("Checkout Started");
  const main = reader.getByRole("main");
  for (const tab of ["Dev", "Prod"]) {
    await reader.getByRole("tab", { name: new RegExp(`^${tab}`) }).click();
    await expect(reader.getByTestId("live-status")).toHaveText("● Live");
    // Tabs only switch the view; nothing that changes anything is enabled.
    await expect(main.locator("button:not([role=tab]):enabled, input:enabled, select:enabled")).toHaveCount(
      0,
    );
    await expect(main.getByRole("link", { name: /^Connect|^Use .* instead/ })).toHaveCount(0);
    await snap(reader, `setup-read-only-${tab.toLowerCase()}`);
  }
  for (const path of [
    "",
    "/environments",
    "/review",
    "/change",
    "/copy-source",
    "/copy-destination",
    "/complete",
  ]) {
    const res = await reader.request.post(`/api/workspaces/demo/setup${path}`, {
      data: path === "" ? { goalId: "optimize-advertising", useCaseSlug: "suppress-with-purchase" } : {},
    });
    expect(res.status(), path).toBe(403);
  }
  expect((await reader.request.get("/api/workspaces/demo/setup")).status()).toBe(200);
  await context.close();
});
