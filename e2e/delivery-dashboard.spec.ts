import { expect, type Page, test } from "@playwright/test";
import { signIn, snap } from "@/e2e/support/ui";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// Event Delivery as a workspace owner uses it: events sent over the tracking API reach a healthy
// webhook and fail at another (401, which also echoes its credentials back); the tab shows the
// counts the API reports, a P95, the error with its three samples (secrets redacted) and both
// charts; the period changes the numbers; a read-only member can look but not retry; a member of
// another workspace gets 404. The server runs the delivery engine (ALLOW_PRIVATE_DESTINATIONS).

const TOKEN = "tok-e2e-S3CRET-9f8e7d";
const SIGNING = "whsec-e2e-S3CRET-5a4b";
const EVENTS = 12;
let ok: Sink;
let failing: Sink;
const ids = { healthy: "", failing: "" };
const tab = (id: string, qs = "period=1h") => `/demo/destinations/${id}/delivery?${qs}`;
const pad = (n: number) => String(n).padStart(2, "0");
const local = (t: number) => {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  ok = await startSink({ kind: "ok" });
  failing = await startSink((req) => ({
    kind: "status",
    status: 401,
    body: JSON.stringify({ error: "invalid api key", got: req.headers.authorization, hint: SIGNING }),
  }));
});
test.afterAll(async () => {
  await ok?.close();
  await failing?.close();
});

async function metrics(page: Page, id: string, qs = "period=1h") {
  const res = await page.request.get(`/api/workspaces/demo/destinations/${id}/delivery/metrics?${qs}`);
  return (await res.json()) as { delivered: number; notDelivered: number; p95Ms: number | null };
}

test("counts, P95, error samples without secrets, trends, and the period", async ({ page }) => {
  await signIn(page);
  const created = await page.request.post("/api/workspaces/demo/sources", {
    data: { name: "Delivery Test Site", type: "website", environment: "dev" },
  });
  const { source, writeKey } = (await created.json()) as { source: { id: string }; writeKey: string };
  for (const [key, name, settings] of [
    ["healthy", "Healthy hook", { url: ok.url }],
    [
      "failing",
      "Failing hook",
      {
        url: failing.url,
        signingSecret: SIGNING,
        headers: [{ key: "Authorization", value: `Bearer ${TOKEN}` }],
      },
    ],
  ] as const) {
    const res = await page.request.post("/api/workspaces/demo/destinations", {
      data: { type: "webhook", name, enabled: true, sourceIds: [source.id], settings },
    });
    expect(res.status()).toBe(201);
    ids[key] = ((await res.json()) as { destination: { id: string } }).destination.id;
  }
  // The runner re-reads destinations about once a second: events sent before that would not be routed to them.
  await page.waitForTimeout(2500);
  const batch = Array.from({ length: EVENTS }, (_, i) => ({
    type: "track",
    userId: `user-${i}`,
    event: "Order Completed",
    properties: { order: i },
  }));
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
  expect(
    (await page.request.post("/v1/batch", { headers: { authorization: auth }, data: { batch } })).status(),
  ).toBe(200);
  await expect
    .poll(async () => (await metrics(page, ids.healthy)).delivered, { timeout: 30_000 })
    .toBe(EVENTS);
  await expect
    .poll(async () => (await metrics(page, ids.failing)).notDelivered, { timeout: 30_000 })
    .toBe(EVENTS);
  expect(failing.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);

  // The failing destination: counts as the API says, the error row, and its three samples.
  const api = await metrics(page, ids.failing);
  await page.goto(tab(ids.failing));
  await expect(page.getByTestId("metric-not-delivered")).toHaveText(String(api.notDelivered));
  await expect(page.getByTestId("metric-delivered")).toHaveText("0");
  await expect(page.getByTestId("metric-failure-rate")).toHaveText("100% failure rate");
  const row = page.getByTestId("error-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Not authorized");
  await expect(row).toContainText("401");
  await expect(row.getByTestId("error-count")).toHaveText(String(EVENTS));
  await row.click();
  const detail = page.getByTestId("error-detail");
  await expect(detail).toContainText("Check the API key in Settings");
  await expect(detail.getByRole("button", { name: "Retry these messages" })).toBeVisible();
  await expect(detail.getByTestId("sample-youSent")).toContainText('"event": "Order Completed"');
  await expect(detail.getByTestId("sample-request")).toContainText(failing.url);
  await expect(detail.getByTestId("sample-request")).toContainText("[REDACTED]");
  await expect(detail.getByTestId("sample-response")).toContainText("invalid api key");
  for (const pane of ["You Sent", "Request to Destination", "Response from Destination"])
    await expect(detail.getByRole("button", { name: `Copy ${pane}` })).toBeVisible();
  const html = await page.content();
  expect(html).not.toContain(TOKEN);
  expect(html).not.toContain(SIGNING);
  await expect(page.getByTestId("trend-volume").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await snap(page, "delivery-failing");

  // The healthy destination: delivered, a P95, and both charts with data points.
  const healthy = await metrics(page, ids.healthy);
  await page.goto(tab(ids.healthy));
  await expect(page.getByTestId("metric-delivered")).toHaveText(String(healthy.delivered));
  await expect(page.getByTestId("metric-not-delivered")).toHaveText("0");
  await expect(page.getByTestId("metric-p95")).toHaveText(/^\d+(\.\d+)? (ms|s)$/);
  await expect(page.getByTestId("no-errors")).toBeVisible();
  expect(await page.getByTestId("trend-volume").locator(".recharts-bar-rectangle").count()).toBeGreaterThan(
    0,
  );
  expect(
    await page.getByTestId("trend-latency").locator(".recharts-line-dot, .recharts-dot").count(),
  ).toBeGreaterThan(0);
  await expect(page.getByTestId("trend-latency").locator(".recharts-legend-wrapper")).toContainText(
    "P95 latency",
  );
  await snap(page, "delivery-healthy");

  // A custom range before the events: nothing; back to a preset: the events again.
  await page.getByLabel("Time period").selectOption("custom");
  await page.getByLabel("From", { exact: true }).fill(local(Date.now() - 3 * 3_600_000));
  await page.getByLabel("To", { exact: true }).fill(local(Date.now() - 2 * 3_600_000));
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/from=.*&to=/);
  await expect(page.getByTestId("metric-delivered")).toHaveText("0");
  await expect(page.getByTestId("metric-p95")).toHaveText("–");
  await snap(page, "delivery-custom-range");
  await page.getByLabel("Time period").selectOption("7d");
  await expect(page).toHaveURL(/period=7d/);
  await expect(page.getByTestId("metric-delivered")).toHaveText(String(EVENTS));

  // The workspace overview (health is judged every 15 s) and the sources list.
  const state = async () => {
    const res = await page.request.get("/api/workspaces/demo/delivery/overview");
    const view = (await res.json()) as { destinations: { name: string; state: string }[] };
    return view.destinations.find((d) => d.name === "Failing hook")?.state;
  };
  await expect.poll(state, { timeout: 40_000, intervals: [1000] }).toBe("failing");
  await page.goto("/demo");
  const health = page.getByTestId("health-row").filter({ hasText: "Failing hook" });
  await expect(health).toContainText(String(EVENTS));
  await expect(health).toContainText("failing");
  const feed = page.getByTestId("health-activity").getByRole("listitem").filter({ hasText: "Failing hook" });
  await expect(feed).toHaveCount(1);
  await expect(feed).toContainText("100% of 12 attempts failed");
  await expect(page.getByTestId("health-thresholds")).toContainText("failing");
  await expect(
    health.getByTestId("health-sparkline").locator(".recharts-bar-rectangle").first(),
  ).toBeVisible();
  await snap(page, "delivery-workspace-health");
  // The failing destination is marked wherever it is listed; it is not disabled.
  await page.goto("/demo/destinations");
  const failingRow = page.getByRole("row").filter({ hasText: "Failing hook" });
  await expect(failingRow.getByTestId("health-badge")).toHaveText("failing");
  await expect(
    page.getByRole("row").filter({ hasText: "Healthy hook" }).getByTestId("health-badge"),
  ).toHaveCount(0);
  await expect(failingRow.getByRole("switch")).toBeChecked();
  await page.goto("/demo/sources");
  const siteRow = page.getByRole("row").filter({ hasText: "Delivery Test Site" });
  await expect(siteRow.getByTestId("source-events-24h")).toHaveText(String(EVENTS));
});

test("a read-only member views without retrying; another workspace's member gets 404", async ({
  page,
  browser,
}) => {
  await signIn(page);
  const invite = await page.request.post("/api/workspaces/demo/invitations", { data: { role: "read_only" } });
  const { link } = (await invite.json()) as { link: string };
  const context = await browser.newContext();
  const reader = await context.newPage();
  await reader.goto(link);
  await reader.getByLabel("Your name").fill("Rhea Reader");
  await reader.getByLabel("Email").fill(`rhea-${Date.now()}@example.com`);
  await reader.getByLabel("Password").fill("rhea-password-123");
  await reader.getByRole("button", { name: "Create account and join" }).click();
  await expect(reader.getByTestId("role")).toHaveText("Read-only Member");
  await reader.goto(tab(ids.failing, "period=24h"));
  await expect(reader.getByTestId("metric-not-delivered")).toHaveText(String(EVENTS));
  await reader.getByTestId("error-row").click();
  await expect(reader.getByTestId("sample-payloads")).toBeVisible();
  await expect(reader.getByRole("button", { name: "Retry these messages" })).toHaveCount(0);
  // The delivery state is shown, its controls are not.
  await expect(reader.getByTestId("delivery-state")).toBeVisible();
  await expect(reader.getByRole("button", { name: "Pause delivery" })).toHaveCount(0);
  await expect(reader.getByRole("button", { name: "Replay events…" })).toHaveCount(0);
  await snap(reader, "delivery-read-only");
  const window = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() };
  const retries = `/api/workspaces/demo/destinations/${ids.failing}/retries`;
  expect((await reader.request.post(retries, { data: window })).status()).toBe(403);
  await context.close();

  const elsewhere = await browser.newContext();
  const outsider = await elsewhere.newPage();
  const email = `olga-${Date.now()}@example.com`;
  const signup = await outsider.request.post("/api/signup", {
    data: { name: "Olga Outsider", email, password: "olga-password-123", workspaceName: "Olga's shop" },
  });
  expect(signup.status()).toBe(201);
  await signIn(outsider, email, "olga-password-123");
  expect((await outsider.goto(tab(ids.failing)))?.status()).toBe(404);
  const api = `/api/workspaces/demo/destinations/${ids.failing}/delivery/metrics`;
  expect((await outsider.request.get(api)).status()).toBe(404);
  expect((await outsider.request.post(retries, { data: window })).status()).toBe(404);
  await elsewhere.close();
});
