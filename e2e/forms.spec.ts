import { expect, test } from "@playwright/test";
import { signIn, snap } from "@/e2e/support/ui";

// One voice (issue 22): a form shows every problem at once, each under its own field, in words;
// a name already taken is refused in place with the name it clashes with.

test("the filter form shows every error at once, each next to its field", async ({ page }) => {
  await signIn(page);
  const res = await page.request.post("/api/workspaces/demo/destinations", {
    data: {
      type: "webhook",
      name: `Forms hook ${Date.now()}`,
      settings: { url: "https://example.com/hook" },
    },
  });
  expect(res.status()).toBe(201);
  const { id } = ((await res.json()) as { destination: { id: string } }).destination;
  await page.goto(`/demo/destinations/${id}/filters`);
  await page.getByRole("button", { name: "Add filter" }).click();

  // Nothing filled in but a field list with two wrong lines: one submit shows all four problems.
  await page.getByLabel("Action").selectOption("drop_fields");
  await page.getByLabel("Fields to drop").fill("properties.email\nproperties..x\nuserId");
  await page.getByRole("button", { name: "Add filter" }).last().click();
  const form = page.locator("form").filter({ has: page.getByLabel("Condition") });
  await expect(form.getByText("Name is required")).toBeVisible();
  await expect(form.getByText("Enter a condition")).toBeVisible();
  await expect(page.getByTestId("condition-caret")).toHaveCount(0);
  await expect(form.getByText(/^Line 2: Fields are dotted paths/m)).toBeVisible();
  await expect(form.getByText(/Line 3: "userId" is not a field inside properties/)).toBeVisible();
  // Each message is tied to its input for screen readers.
  await expect(page.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Fields to drop")).toHaveAttribute("aria-invalid", "true");
  await snap(page, "filter-form-all-errors");

  // A condition error on its second line says so in words; fixing fields clears their messages live.
  await page.getByLabel("Name", { exact: true }).fill("Drop orders");
  await page.getByLabel("Condition").fill('type = "track"\nand event ==');
  await page.getByLabel("Fields to drop").fill("properties.email");
  await expect(form.getByText(/line 2, column \d+/)).toBeVisible();
  await expect(form.getByText("Name is required")).toHaveCount(0);
  await expect(form.getByText(/^Line \d:/)).toHaveCount(0);
  await page.getByLabel("Condition").fill('event = "Order Completed"');
  await page.getByRole("button", { name: "Add filter" }).last().click();
  await expect(page.getByText("Removes properties.email")).toBeVisible();

  // The same name in another case is refused in place, naming the filter it clashes with.
  await page.getByRole("button", { name: "Add filter" }).click();
  await page.getByLabel("Name", { exact: true }).fill("drop ORDERS");
  await page.getByLabel("Condition").fill('type = "track"');
  await page.getByRole("button", { name: "Add filter" }).last().click();
  await expect(
    form.getByText('A filter named "Drop orders" already exists on this destination'),
  ).toBeVisible();
  await expect(page.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await snap(page, "filter-form-name-taken");
});

test("times are in the viewer's time zone, with the full time and the zone named on hover", async ({
  browser,
}) => {
  const context = await browser.newContext({ timezoneId: "Europe/Berlin" });
  const page = await context.newPage();
  await signIn(page);
  // Something in the audit log, whichever test runs first.
  const res = await page.request.post("/api/workspaces/demo/destinations", {
    data: {
      type: "webhook",
      name: `Times hook ${Date.now()}`,
      settings: { url: "https://example.com/hook" },
    },
  });
  expect(res.status()).toBe(201);
  await page.goto("/demo/audit");
  await expect(page.getByTestId("time-zone-note")).toHaveText("Times in Europe/Berlin");
  const first = page.locator("tbody time").first();
  await expect(first).toHaveAttribute(
    "title",
    /^\w+day, \w+ \d+, \d{4} at \d\d:\d\d:\d\d GMT\+[12] \(Europe\/Berlin\)$/,
  );
  // The text is the same instant in that zone: "Dec 4, 14:05" for 13:05 UTC.
  const iso = (await first.getAttribute("datetime"))!;
  const local = new Intl.DateTimeFormat("en-US", {
    timeZone: "Europe/Berlin",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(iso));
  await expect(first).toContainText(local);
  await snap(page, "audit-log-times");
  await context.close();
});
