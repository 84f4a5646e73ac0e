import { expect, test } from "@playwright/test";
import { signIn, snap } from "@/e2e/support/ui";

// Issue 15 in the console: a destination page names the keys its type answers to in the
// integrations object (item 5), a sample filter can decide per user (item 3), and a field filter
// naming a top-level field is refused in place with the reason (item 2).

test("destination info, sampling by user and the fields rule, as a workspace owner sees them", async ({
  page,
}) => {
  await signIn(page);
  const res = await page.request.post("/api/workspaces/demo/destinations", {
    data: {
      type: "webhook",
      name: "Conformance hook",
      enabled: true,
      settings: { url: "https://example.com/hook" },
    },
  });
  expect(res.status()).toBe(201);
  const { id } = ((await res.json()) as { destination: { id: string } }).destination;

  await page.goto(`/demo/destinations/${id}`);
  await expect(page.getByTestId("integration-keys")).toHaveText(
    /^Webhook, Webhooks or Webhooks \(Actions\) \(case-sensitive; turns every Webhook destination on or off, not just this one\)$/,
  );
  await expect(page.getByLabel("Destination info")).toContainText(
    "track, identify, page, screen, group, alias calls",
  );
  await snap(page, "destination-info");

  await page.goto(`/demo/destinations/${id}/filters`);
  await page.getByRole("button", { name: "Add filter" }).click();
  await page.getByLabel("Name").fill("A tenth of users");
  await page.getByLabel("Condition").fill('type = "track"');
  await page.getByLabel("Action").selectOption("sample");
  await page.getByLabel("Percent of matching events to keep").fill("10");
  await page.getByLabel("Sample by field (optional)").fill("userId");
  await snap(page, "filter-sample-by-user");
  await page.getByRole("button", { name: "Add filter" }).last().click();
  await expect(page.getByText("Keeps 10% of matching events, all or none per userId")).toBeVisible();

  await page.getByRole("button", { name: "Add filter" }).click();
  await page.getByLabel("Name").fill("No ids");
  await page.getByLabel("Condition").fill("true");
  await page.getByLabel("Action").selectOption("drop_fields");
  await page.getByLabel("Fields to drop").fill("properties.email\nuserId");
  await page.getByRole("button", { name: "Add filter" }).last().click();
  await expect(page.getByText(/"userId" is not a field inside properties, traits or context/)).toBeVisible();
  await snap(page, "filter-fields-rule");
});
