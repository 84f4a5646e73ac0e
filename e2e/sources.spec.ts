import { expect, test } from "@playwright/test";
import { signIn, snap } from "@/e2e/support/ui";

test("owner signs in, creates a dev source, copies and regenerates its write key", async ({
  page,
  context,
  baseURL,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page);
  await snap(page, "overview");

  await page.getByRole("link", { name: "Sources" }).click();
  await page.getByRole("link", { name: "Add source" }).first().click();
  await page.getByRole("searchbox", { name: "Search sources" }).fill("javascript");
  await page.getByRole("button", { name: /Website \(JavaScript\)/ }).click();
  await page.getByLabel("Name").fill("Storefront");
  await expect(page.getByLabel("Environment label")).toHaveValue("dev");
  await page.getByRole("button", { name: "Create source" }).click();

  await expect(page.getByRole("heading", { name: "Storefront" })).toBeVisible();
  await expect(page.getByTestId("install-snippet")).toContainText(baseURL!.replace(/^https?:\/\//, ""));
  await snap(page, "source-overview");

  await page.getByRole("link", { name: "Settings" }).last().click();
  const keyBox = page.getByTestId("write-key");
  await expect(keyBox).toHaveText(/^[A-Za-z0-9_-]{32}$/);
  const oldKey = (await keyBox.textContent())!;
  await page.getByRole("button", { name: "Copy write key" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(oldKey);

  // The old key works against the tracking API before regeneration...
  const send = (key: string) =>
    page.request.post("/v1/track", {
      headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}` },
      data: { userId: "u1", event: "Key Check" },
    });
  expect((await send(oldKey)).status()).toBe(200);

  await page.getByRole("button", { name: "Regenerate write key" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Regenerate" }).click();
  await expect(keyBox).not.toHaveText(oldKey);
  await expect(page.getByTestId("retired-key")).toContainText(oldKey);
  await expect(page.getByTestId("retired-key")).toContainText("revoked");
  const newKey = (await keyBox.textContent())!;
  await snap(page, "source-settings-regenerated");

  // ...and is refused at once afterwards, while the new key works.
  expect((await send(oldKey)).status()).toBe(401);
  expect((await send(newKey)).status()).toBe(200);

  // The list counts what the source accepted in the last 24 hours: the two 200s, not the 401.
  await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Sources" }).click();
  const row = page.getByRole("row", { name: /Storefront/ });
  await expect(row.getByTestId("source-events-24h")).toHaveText("2");
  await snap(page, "sources-list");
});
