import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { OWNER, signIn, snap } from "@/e2e/support/ui";

// What a browser does with the console's defences: a foreign page on another port of the same
// host (same-site, so the session cookie goes along) can neither post to the API nor frame the
// console; callbackUrl never leads off-site; and the Content-Security-Policy lets the real pages
// run. This file sends no made-up Origin header: the browser decides.
test.use({ extraHTTPHeaders: {} });

/** A page on another port of localhost serving `html`. */
async function foreignSite(html: string) {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://localhost:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

test("callbackUrl=//evil.example stays on the console after a real sign-in", async ({ page, baseURL }) => {
  await page.goto("/login?callbackUrl=%2F%2Fevil.example%2Fx");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("navigation", { name: "Workspace" })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
});

test("a same-site page on another port cannot create a source with the owner's cookie", async ({
  page,
  baseURL,
}) => {
  await signIn(page);
  const count = async () =>
    ((await (await page.request.get("/api/workspaces/demo/sources")).json()) as { sources: unknown[] })
      .sources.length;
  const before = await count();
  const site = await foreignSite(`<form id="f" method="POST" enctype="text/plain"
      action="${baseURL}/api/workspaces/demo/sources">
      <input name='{"name":"Forged","type":"node","environment":"dev","x":"' value='"}'>
    </form><script>document.getElementById("f").submit()</script>`);
  try {
    const answer = page.waitForResponse((r) => r.url().endsWith("/api/workspaces/demo/sources"));
    await page.goto(site.url);
    const res = await answer;
    expect(res.status()).toBe(403);
    expect(await count()).toBe(before);
  } finally {
    await site.close();
  }
});

test("the console cannot be framed", async ({ page, baseURL }) => {
  await signIn(page);
  const site = await foreignSite(
    `<h1>Prize</h1><iframe id="f" src="${baseURL}/demo" width="800" height="600"></iframe>`,
  );
  try {
    const blocked = page.waitForEvent("console", (m) =>
      /frame-ancestors|X-Frame-Options|refused/i.test(m.text()),
    );
    await page.goto(site.url);
    await blocked;
    const frame = page.frames().find((f) => f !== page.mainFrame());
    await expect(frame!.getByRole("navigation", { name: "Workspace" })).toHaveCount(0);
    await snap(page, "security-framing-refused");
  } finally {
    await site.close();
  }
});

test("the Content-Security-Policy lets every main console page run", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await signIn(page);
  for (const [link, heading] of [
    ["Sources", "Sources"],
    ["Destinations", "Destinations"],
    ["Functions", "Functions"],
  ] as const) {
    await page.getByRole("link", { name: link, exact: true }).first().click();
    await expect(page.getByRole("heading", { name: heading, exact: true }).first()).toBeVisible();
  }
  await page.goto("/demo/settings");
  await page.goto("/demo/setup");
  await expect(page.getByRole("navigation", { name: "Workspace" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("the login form says how long to wait once an account is throttled", async ({ page }) => {
  // An account nobody has: its failures lock it like a real one's (and answer the same way).
  const email = `nobody-${Date.now()}@example.com`;
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("wrong password");
  const alert = page.locator("form").getByRole("alert");
  for (let attempt = 0; attempt < 12; attempt++) {
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(alert).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
    if (/Too many sign-in attempts/.test((await alert.textContent()) ?? "")) break;
  }
  await expect(alert).toHaveText(/Too many sign-in attempts\. Wait \d+ seconds?, then try again\./);
  await snap(page, "login-throttled");
});
