import { expect, test } from "@playwright/test";
import { signIn } from "@/e2e/support/ui";

// Issue 22: every page has a favicon (its absence was a console error on every page).
test("the login page and the console carry a favicon that loads, with no console error", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  const failed: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  await page.goto("/login");
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toBeTruthy();
  const icon = await page.request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  await signIn(page);
  await expect(page.locator('link[rel="icon"]').first()).toHaveAttribute("href", href!);
  expect(failed.filter((f) => f.includes("favicon") || f.includes("icon"))).toEqual([]);
  expect(errors.filter((e) => /favicon|icon/i.test(e))).toEqual([]);
});
