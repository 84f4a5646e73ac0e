import { expect, test } from "@playwright/test";
import { signIn, snap } from "@/e2e/support/ui";

// Issue 2's journey: a Webhook destination with settings (secret masked after save), a filter
// whose syntax error is shown at its position and then fixed, and a read-only member invited by
// link who sees everything but can change nothing (UI and API).

const SECRET = "whsec-e2e-very-secret-value";

test("destination with masked secret, filter with a syntax error fixed, read-only member invited", async ({
  page,
  browser,
}) => {
  await signIn(page);
  const created = await page.request.post("/api/workspaces/demo/sources", {
    data: { name: "Checkout Service", type: "node", environment: "dev" },
  });
  expect(created.status()).toBe(201);

  // Add a Webhook destination from the catalog.
  await page.goto("/demo/destinations");
  await page.getByRole("link", { name: "Add destination" }).first().click();
  await page.getByRole("searchbox").fill("webhook");
  await page
    .getByRole("button", { name: /^Webhook/ })
    .first()
    .click();
  await page.getByLabel(/Checkout Service/).check();
  await page.getByLabel("Destination name").fill("Order hooks");
  await page.getByLabel("Webhook URL").fill("not a url");
  await page.getByLabel("Signing secret").fill(SECRET);
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Headers 1 name").fill("X-Team");
  await page.getByLabel("Headers 1 value").fill("growth");
  await page.getByRole("button", { name: "Create destination" }).click();
  await expect(page.getByText(/valid|URL/i).first()).toBeVisible();
  await page.getByLabel("Webhook URL").fill("https://hooks.example.com/segment");
  await page.getByRole("button", { name: "Create destination" }).click();
  await expect(page.getByRole("heading", { name: "Order hooks" })).toBeVisible();
  const html = await page.content();
  expect(html).not.toContain(SECRET);
  await snap(page, "destination-settings");

  // A filter with a syntax error shows where; fixing it saves.
  await page.getByRole("link", { name: "Filters" }).click();
  await page.getByRole("button", { name: "Add filter" }).click();
  await page.getByLabel("Name").fill("Drop test events");
  await page.getByLabel("Condition").fill('event = "Test" and and userId = "x"');
  await expect(page.getByText(/Expected a condition after "and" at column 20/)).toBeVisible();
  await snap(page, "filter-syntax-error");
  await page.getByLabel("Condition").fill('match(event, "Test*") or properties.test = true');
  await expect(page.getByText(/column \d+/)).toHaveCount(0);
  await page.getByRole("button", { name: "Add filter" }).click();
  await expect(page.getByText("Drop test events").first()).toBeVisible();

  // Invite a read-only member; they join through the link in a second browser.
  await page.goto("/demo/members");
  await page
    .getByRole("button", { name: /Invite/ })
    .first()
    .click();
  await page.getByLabel("Role").selectOption("read_only");
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const link = await page.getByTestId("invite-link").inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId("bearer-warning")).toContainText("bearer link");

  const other = await browser.newContext();
  const reader = await other.newPage();
  await reader.goto(link);
  await reader.getByLabel("Your name").fill("Rita Reader");
  await reader.getByLabel("Email").fill("rita@example.com");
  await reader.getByLabel("Password").fill("rita-password-123");
  await reader.getByRole("button", { name: "Create account and join" }).click();
  await expect(reader.getByTestId("role")).toHaveText("Read-only Member");

  // The owner sees who used the link.
  await page.goto("/demo/members");
  await page.getByText("Used and closed invitations").click();
  await expect(page.getByRole("table", { name: "Invitation history" })).toContainText("rita@example.com");
  await snap(page, "invitation-history");

  // Sees sources and destinations, with no way to change them.
  await reader.getByRole("link", { name: "Sources" }).click();
  await expect(reader).toHaveURL(/\/demo\/sources$/);
  await expect(reader.getByRole("main").getByText("Checkout Service").first()).toBeVisible();
  await expect(reader.getByRole("link", { name: "Add source" })).toHaveCount(0);
  await reader.getByRole("link", { name: "Destinations" }).click();
  await reader.getByRole("link", { name: "Order hooks" }).click();
  await expect(reader.getByRole("button", { name: "Save changes" })).toHaveCount(0);
  expect(await reader.content()).not.toContain(SECRET);
  await reader.getByRole("link", { name: "Filters" }).click();
  await expect(reader.getByText("Drop test events").first()).toBeVisible();
  await expect(reader.getByRole("button", { name: "Add filter" })).toHaveCount(0);
  await snap(reader, "read-only-destination");

  // The API refuses every change with 403.
  const destinations = await reader.request.get("/api/workspaces/demo/destinations");
  expect(destinations.status()).toBe(200);
  const { destinations: list } = (await destinations.json()) as {
    destinations: { id: string; name: string }[];
  };
  const hook = list.find((d) => d.name === "Order hooks")!;
  expect(
    (
      await reader.request.patch(`/api/workspaces/demo/destinations/${hook.id}`, { data: { enabled: true } })
    ).status(),
  ).toBe(403);
  expect((await reader.request.delete(`/api/workspaces/demo/destinations/${hook.id}`)).status()).toBe(403);
  expect(
    (
      await reader.request.post("/api/workspaces/demo/sources", {
        data: { name: "Nope", type: "node", environment: "dev" },
      })
    ).status(),
  ).toBe(403);
  expect(
    (await reader.request.post("/api/workspaces/demo/invitations", { data: { role: "owner" } })).status(),
  ).toBe(403);

  // Signing out ends the session: the console sends them back to sign-in and the API answers 401.
  await reader.goto("/demo");
  await reader.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(reader).toHaveURL(/\/login/);
  await reader.goto("/demo/sources");
  await expect(reader).toHaveURL(/\/login/);
  expect((await reader.request.get("/api/workspaces/demo/sources")).status()).toBe(401);
  await other.close();
});
