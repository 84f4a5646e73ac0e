import { expect, test } from "@playwright/test";
import { signIn, snap } from "@/e2e/support/ui";

// Secrets stay with the address they were entered for. Changing a webhook's URL in the settings
// form opens its stored secrets for re-entry and explains why; saving without them is refused in
// place; credentials inside the URL are masked for the owner and for a read-only member alike.

const MASK = "••••••";
const HEADER = "Bearer e2e-owner-header-S3CRET";
const URL_PASSWORD = "e2e-url-pa55w0rd";
const URL_TOKEN = "e2e-url-t0k3n";

test("a changed URL asks for the secrets again; URL credentials stay masked for every role", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000); // two browsers and several saves; the machine is shared
  await signIn(page);
  const source = await page.request.post("/api/workspaces/demo/sources", {
    data: { name: "Billing Service", type: "node", environment: "prod" },
  });
  expect(source.status()).toBe(201);
  const sourceId = ((await source.json()) as { source: { id: string } }).source.id;
  const created = await page.request.post("/api/workspaces/demo/destinations", {
    data: {
      type: "webhook",
      name: "Billing hook",
      sourceIds: [sourceId],
      settings: {
        url: `https://billing:${URL_PASSWORD}@203.0.113.10/in?token=${URL_TOKEN}&team=7`,
        headers: [{ key: "Authorization", value: HEADER }],
        signingSecret: "whsec-e2e-signing",
      },
    },
  });
  expect(created.status()).toBe(201);
  const id = ((await created.json()) as { destination: { id: string } }).destination.id;

  // The stored URL shows its credentials masked, with a word on why.
  await page.goto(`/demo/destinations/${id}`);
  const url = page.getByLabel("Webhook URL");
  await expect(url).toHaveValue(`https://${MASK}:${MASK}@203.0.113.10/in?token=${MASK}&team=7`);
  await expect(page.getByText(/Credentials in this URL are hidden/)).toBeVisible();
  await expect(
    page.getByText(/Decides where requests go: changing it means typing Headers, Signing secret again/),
  ).toBeVisible();
  expect(await page.content()).not.toMatch(new RegExp(`${URL_PASSWORD}|${URL_TOKEN}|${HEADER}`));
  await snap(page, "destination-url-credentials-masked");

  // Changing the URL: the form says what must be typed again and opens those inputs.
  await url.fill("https://203.0.113.20/collect");
  const notice = page.getByRole("status").filter({ hasText: "You changed Webhook URL" });
  await expect(notice).toContainText("Type Headers, Signing secret again below, or remove them");
  await expect(page.getByLabel("Headers 1 value")).toHaveAttribute(
    "placeholder",
    "Type it again: the URL changed",
  );
  await expect(page.getByRole("textbox", { name: "Signing secret (optional)" })).toHaveAttribute(
    "type",
    "password",
  );
  await expect(url).toBeFocused();
  await snap(page, "destination-url-changed");

  // Saving without them is refused, each input saying why.
  await page.getByRole("button", { name: "Save changes" }).click();
  // One message under the header list, one under the signing secret.
  await expect(page.getByText(/Re-enter or remove: the Webhook URL changed/)).toHaveCount(2);
  await snap(page, "destination-url-changed-refused");

  // Typing the header again and removing the signing secret saves.
  await page.getByLabel("Headers 1 value").fill("Bearer a-new-header");
  await page.getByRole("button", { name: "Remove Signing secret" }).click();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await expect(page.getByLabel("Webhook URL")).toHaveValue("https://203.0.113.20/collect");
  await snap(page, "destination-url-changed-saved");

  // An address deliveries may not reach is refused when saving, on the field.
  await page.getByLabel("Webhook URL").fill("http://169.254.169.254/latest/meta-data");
  await page.getByLabel("Headers 1 value").fill("Bearer a-new-header");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(/an address deliveries may not reach \(cloud metadata\)/)).toBeVisible();
  await snap(page, "destination-url-blocked");

  // A read-only member sees the same masked URL and nothing more.
  const restore = await page.request.patch(`/api/workspaces/demo/destinations/${id}`, {
    data: {
      settings: { url: `https://billing:${URL_PASSWORD}@203.0.113.10/in?token=${URL_TOKEN}`, headers: [] },
    },
  });
  expect(restore.status()).toBe(200);
  await page.goto("/demo/members");
  await page
    .getByRole("button", { name: /Invite/ })
    .first()
    .click();
  await page.getByLabel("Role").selectOption("read_only");
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const link = await page.getByTestId("invite-link").inputValue();
  const other = await browser.newContext();
  const reader = await other.newPage();
  await reader.goto(link);
  await reader.getByLabel("Your name").fill("Rob Reader");
  await reader.getByLabel("Email").fill("rob.reader@example.com");
  await reader.getByLabel("Password").fill("rob-password-123");
  await reader.getByRole("button", { name: "Create account and join" }).click();
  await expect(reader.getByTestId("role")).toHaveText("Read-only Member");
  await reader.goto(`/demo/destinations/${id}`);
  await expect(reader.getByLabel("Webhook URL")).toHaveValue(
    `https://${MASK}:${MASK}@203.0.113.10/in?token=${MASK}`,
  );
  expect(await reader.content()).not.toMatch(new RegExp(`${URL_PASSWORD}|${URL_TOKEN}`));
  await snap(reader, "destination-url-read-only");
  await other.close();
});
