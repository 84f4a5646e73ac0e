import { type Browser, expect, type Page, test } from "@playwright/test";
import { seriousAxeViolations } from "@/e2e/support/axe";
import { signIn, snap } from "@/e2e/support/ui";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// Issue 22, dark mode: the theme follows the system until the user picks Light or Dark in the
// user menu; the pick survives a reload and is applied before the first paint. A representative
// set of pages, filled with real data, has no serious or critical axe violation in dark
// (colour contrast above all), and each page is saved in both themes under test-results/screens.

test.describe.configure({ mode: "serial" });

let sink: Sink;
const ids = { source: "", destination: "", fn: "" };

test.beforeAll(async () => {
  // Every third delivery is refused for good, so the dashboard has an error with samples too.
  sink = await startSink((_req, i) =>
    i % 3 === 2 ? { kind: "status", status: 400, body: '{"error":"bad payload"}' } : { kind: "ok" },
  );
});
test.afterAll(async () => sink?.close());

const isDarkPage = (page: Page) => page.evaluate(() => document.documentElement.classList.contains("dark"));
/** The page background as a user sees it: dark means a luminance well under the middle. */
const backgroundIsDark = (page: Page) =>
  page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g)!.map(Number);
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b! < 80;
  });

async function seriousViolations(page: Page) {
  return (await seriousAxeViolations(page)).map(
    (v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(" ")} (${n.failureSummary})`).join("; ")}`,
  );
}

async function darkPage(browser: Browser) {
  const context = await browser.newContext({ colorScheme: "dark" });
  return context.newPage();
}

test("the switch in the user menu changes the theme, before first paint and across reloads", async ({
  browser,
}) => {
  test.setTimeout(120_000); // seven page loads on a shared machine
  const page = await (await browser.newContext({ colorScheme: "light" })).newPage();
  const cspErrors: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
  // Whether <html> is already dark when <body> is parsed, i.e. before anything is painted.
  await page.addInitScript(() => {
    const w = window as unknown as { darkAtBody?: boolean };
    new MutationObserver((_, observer) => {
      if (!document.body) return;
      w.darkAtBody = document.documentElement.classList.contains("dark");
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  const darkAtBody = () => page.evaluate(() => (window as unknown as { darkAtBody?: boolean }).darkAtBody);

  await signIn(page);
  const menu = page.getByRole("group", { name: "Theme" });
  await expect(menu.getByRole("radio", { name: "System" })).toBeChecked();
  expect(await backgroundIsDark(page)).toBe(false);

  await menu.getByText("Dark").click();
  await expect(menu.getByRole("radio", { name: "Dark" })).toBeChecked();
  expect(await isDarkPage(page)).toBe(true);
  expect(await backgroundIsDark(page)).toBe(true);
  await page.reload();
  await expect(menu.getByRole("radio", { name: "Dark" })).toBeChecked();
  expect(await darkAtBody()).toBe(true);
  expect(await backgroundIsDark(page)).toBe(true);
  // Another page, and the signed-out login page, keep it too.
  await page.getByRole("link", { name: "Sources", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Sources", exact: true })).toBeVisible();
  expect(await backgroundIsDark(page)).toBe(true);
  await snap(page, "theme-switch-dark");

  // Light wins over a dark system; the keyboard reaches the switch.
  await page.emulateMedia({ colorScheme: "dark" });
  await menu.getByRole("radio", { name: "Dark" }).focus();
  await page.keyboard.press("ArrowRight"); // radios: the next one is System (wraps round)
  await expect(menu.getByRole("radio", { name: "System" })).toBeChecked();
  expect(await isDarkPage(page)).toBe(true); // the system is dark
  await menu.getByText("Light").click();
  expect(await isDarkPage(page)).toBe(false);
  await page.reload();
  await expect(menu.getByRole("radio", { name: "Light" })).toBeChecked();
  expect(await darkAtBody()).toBe(false);
  expect(await backgroundIsDark(page)).toBe(false);

  // System follows the system's scheme, also when it changes while the page is open.
  await menu.getByText("System").click();
  expect(await isDarkPage(page)).toBe(true);
  await page.emulateMedia({ colorScheme: "light" });
  await expect.poll(() => isDarkPage(page)).toBe(false);
  await page.emulateMedia({ colorScheme: "dark" });
  await expect.poll(() => isDarkPage(page)).toBe(true);
  await page.reload();
  await expect(menu.getByRole("radio", { name: "System" })).toBeChecked();
  expect(await darkAtBody()).toBe(true);
  expect(await backgroundIsDark(page)).toBe(true);
  expect(cspErrors).toEqual([]);
});

test("the login page follows a dark system and has no serious axe violation", async ({ browser }) => {
  const page = await darkPage(browser);
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  expect(await backgroundIsDark(page)).toBe(true);
  expect(await seriousViolations(page)).toEqual([]);
  await snap(page, "theme-dark-login");
});

test("representative pages with data have no serious or critical axe violation in dark", async ({
  browser,
}) => {
  test.setTimeout(480_000); // ten pages, each checked by axe and saved twice, on a shared machine
  const page = await darkPage(browser);
  await signIn(page);
  const sources = (await (await page.request.get("/api/workspaces/demo/sources")).json()) as {
    sources: { id: string; name: string }[];
  };
  ids.source = sources.sources.find((s) => s.name === "Marketing Website")!.id;
  const key = (await (
    await page.request.get(`/api/workspaces/demo/sources/${ids.source}/write-key`)
  ).json()) as { writeKey: string };
  const dest = await page.request.post("/api/workspaces/demo/destinations", {
    data: {
      type: "webhook",
      name: "Theme hook",
      enabled: true,
      sourceIds: [ids.source],
      settings: { url: sink.url },
    },
  });
  expect(dest.status(), await dest.text()).toBe(201);
  ids.destination = ((await dest.json()) as { destination: { id: string } }).destination.id;
  const filter = await page.request.post(`/api/workspaces/demo/destinations/${ids.destination}/filters`, {
    data: { name: "Drop test traffic", condition: "properties.test = true", action: "drop" },
  });
  expect(filter.status(), await filter.text()).toBe(201);
  const fn = await page.request.post("/api/workspaces/demo/functions", {
    data: { kind: "source", name: "Theme webhook" },
  });
  expect(fn.status(), await fn.text()).toBe(201);
  ids.fn = ((await fn.json()) as { function: { id: string } }).function.id;
  // A use case chosen, so the setup checklist has its steps.
  const setup = await page.request.post("/api/workspaces/demo/setup", {
    data: { goalId: "optimize-advertising", useCaseSlug: "mitigate-cart-abandonment" },
  });
  expect(setup.status(), await setup.text()).toBe(201);
  expect((await page.request.post("/api/workspaces/demo/setup/environments", { data: {} })).ok()).toBe(true);
  // The runner re-reads destinations about once a second: events sent before would not reach it.
  await page.waitForTimeout(2500);
  const batch = [
    ...Array.from({ length: 9 }, (_, i) => ({
      type: "track",
      userId: `user-${i}`,
      event: "Order Completed",
      properties: { order: i, total: 19.99 },
    })),
    { type: "identify", userId: "user-1", traits: { email: "ada@example.com" } },
    { type: "page", anonymousId: "anon-1", name: "Pricing" },
  ];
  const auth = `Basic ${Buffer.from(`${key.writeKey}:`).toString("base64")}`;
  expect(
    (await page.request.post("/v1/batch", { headers: { authorization: auth }, data: { batch } })).status(),
  ).toBe(200);
  await sink.waitFor(9, 30_000);

  // Pages load their data after the first render; on a busy machine that can take a while.
  const ready = expect.configure({ timeout: 30_000 });
  const pages: [name: string, path: string, until: (p: Page) => Promise<void>][] = [
    ["overview", "/demo", async (p) => ready(p.getByRole("main")).toBeVisible()],
    ["sources", "/demo/sources", async (p) => ready(p.getByText("Marketing Website").first()).toBeVisible()],
    [
      "source",
      `/demo/sources/${ids.source}`,
      async (p) => ready(p.getByRole("heading", { name: "Marketing Website" })).toBeVisible(),
    ],
    [
      "debugger",
      `/demo/sources/${ids.source}/debugger`,
      async (p) => {
        await p.getByText("Order Completed").first().click();
        await ready(p.getByTestId("payload")).toBeVisible();
      },
    ],
    [
      "delivery",
      `/demo/destinations/${ids.destination}/delivery?period=1h`,
      async (p) => {
        await ready(p.getByTestId("trend-volume").locator(".recharts-bar-rectangle").first()).toBeVisible({
          timeout: 30_000,
        });
      },
    ],
    [
      "filters",
      `/demo/destinations/${ids.destination}/filters`,
      async (p) => ready(p.getByText("Drop test traffic", { exact: true })).toBeVisible(),
    ],
    ["checklist", "/demo/setup/checklist", async (p) => ready(p.getByTestId("use-case-name")).toBeVisible()],
    [
      "members",
      "/demo/members",
      async (p) => ready(p.getByText("owner@demo.switchyard.local").first()).toBeVisible(),
    ],
    ["audit", "/demo/audit", async (p) => ready(p.getByText("Theme hook").first()).toBeVisible()],
    [
      "function",
      `/demo/functions/${ids.fn}`,
      async (p) => ready(p.locator(".cm-content")).toContainText("function"),
    ],
  ];
  const found: string[] = [];
  for (const [name, path, until] of pages) {
    await page.goto(path);
    await until(page);
    await page.waitForLoadState("networkidle", { timeout: 5000 }).catch(() => {}); // the debugger streams
    expect(await backgroundIsDark(page), name).toBe(true);
    for (const v of await seriousViolations(page)) found.push(`${name}: ${v}`);
    await snap(page, `theme-dark-${name}`);
    // The light twin, for people comparing the two.
    await page.emulateMedia({ colorScheme: "light" });
    await snap(page, `theme-light-${name}`);
    await page.emulateMedia({ colorScheme: "dark" });
  }
  expect(found).toEqual([]);
});
