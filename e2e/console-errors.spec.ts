import { expect, test } from "@playwright/test";
import { signIn, snap } from "@/e2e/support/ui";

// Issue 22: a page the role cannot open says so and who can; a missing page is a branded 404 in
// the console shell with a way back (both were Next.js's plain 404 before).
test("a read-only member is told which role opens Settings; a missing page offers a way back", async ({
  page,
  browser,
}) => {
  await signIn(page);
  await page.goto("/demo/sources/src_does_not_exist");
  await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
  await expect(page.getByRole("navigation").first()).toBeVisible(); // still inside the console shell
  await snap(page, "console-404");
  // A path no page matches gets the same page in the shell, not Next's plain 404.
  await page.goto("/demo/nope/nothing");
  await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
  await expect(page.getByRole("navigation").first()).toBeVisible();
  await page.goto("/no-such-workspace-here/at-all");
  await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();

  const invite = await page.request.post("/api/workspaces/demo/invitations", { data: { role: "read_only" } });
  expect(invite.status()).toBe(201);
  const { link } = (await invite.json()) as { link: string };
  const reader = await (await browser.newContext()).newPage();
  await reader.goto(link);
  await reader.getByLabel("Your name").fill("Rae Reader");
  await reader.getByLabel("Email").fill(`rae-${Date.now()}@example.com`);
  await reader.getByLabel("Password").fill("rae-password-123");
  await reader.getByRole("button", { name: "Create account and join" }).click();
  await expect(reader.getByTestId("role")).toHaveText("Read-only Member");

  await reader.goto("/demo/settings");
  await expect(
    reader.getByRole("heading", { name: "Your role cannot open workspace Settings" }),
  ).toBeVisible();
  await expect(reader.getByTestId("forbidden-reason")).toHaveText(
    "You are a Read-only Member in this workspace. Workspace Owners can open workspace Settings; ask one of them if you need it.",
  );
  await snap(reader, "console-403");
  await reader.goto("/demo/audit");
  await expect(reader.getByRole("heading", { name: "Your role cannot open the Audit log" })).toBeVisible();
  await reader.getByRole("link", { name: "Back to the overview" }).click();
  await expect(reader).toHaveURL(/\/demo$/);
});
