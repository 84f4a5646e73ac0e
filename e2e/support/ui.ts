import { expect, type Page } from "@playwright/test";

export const OWNER = { email: "owner@demo.switchyard.local", password: "e2e-owner-password-123" };

export async function signIn(page: Page, email = OWNER.email, password = OWNER.password) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // The console: its sidebar, or below 1024 px the Menu button that opens it.
  await expect(
    page
      .getByRole("navigation", { name: "Workspace" })
      .or(page.getByRole("button", { name: "Menu" }))
      .filter({ visible: true }),
  ).toBeVisible();
}

/** Saves a full-page screenshot under test-results/screens for people to look at. */
export async function snap(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}
