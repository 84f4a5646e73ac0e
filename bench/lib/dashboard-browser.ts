import { chromium } from "@playwright/test";
import { encode } from "next-auth/jwt";
import { PANELS, PERIOD_LABELS, periodQueryFor, summarize, type Timing } from "@/bench/lib/dashboard-measure";
import { type RunningServer, TEST_AUTH_SECRET } from "@/e2e/support/server";
import config from "@/playwright.config";

// The same panels through the real server (session cookie, membership check, destination check,
// JSON), and the Event Delivery page in Chromium: time from navigation until all three panels
// are rendered from data (numbers in the metrics, the error table, both charts): the page is usable.

const READY = `(() => {
  const metric = document.querySelector("[data-testid=metric-delivered]")?.textContent ?? "";
  const ready = /\\d/.test(metric)
    && document.querySelector("[data-testid=error-row], [data-testid=no-errors]")
    && document.querySelector("[data-testid=trend-latency] .recharts-cartesian-axis-tick")
    && document.querySelector("[data-testid=trend-volume] .recharts-cartesian-axis-tick");
  return ready ? performance.now() : false;
})()`;

async function cookie() {
  return encode({
    // sv and authAt as a fresh sign-in sets them (lib/auth/sessions.ts)
    token: {
      sub: "usr_bench",
      email: "bench@switchyard.local",
      name: "Bench",
      sv: 0,
      authAt: Math.floor(Date.now() / 1000),
    },
    secret: TEST_AUTH_SECRET,
  });
}

export async function measureHttp(
  server: RunningServer,
  opts: { destinationId: string; errorType: string; runs: number; end: number },
): Promise<Record<string, Timing>> {
  const headers = { cookie: `next-auth.session-token=${await cookie()}` };
  const base = `${server.url}/api/workspaces/bench`;
  const out: Record<string, Timing> = {};
  const get = async (url: string) => {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    return performance.now() - t0;
  };
  for (const panel of PANELS)
    for (const label of PERIOD_LABELS) {
      const q = new URLSearchParams(periodQueryFor(label, Date.now()) as Record<string, string>);
      const path = panel === "samples" ? `errors/${opts.errorType}/samples` : panel;
      const url = `${base}/destinations/${opts.destinationId}/delivery/${path}?${q}`;
      await get(url);
      const times: number[] = [];
      for (let i = 0; i < opts.runs; i++) times.push(await get(url));
      out[`${panel} ${label}`] = summarize(times);
    }
  const times: number[] = [];
  await get(`${base}/delivery/overview`);
  for (let i = 0; i < opts.runs; i++) times.push(await get(`${base}/delivery/overview`));
  out["overview 24h"] = summarize(times);
  return out;
}

export async function measurePage(
  server: RunningServer,
  opts: { destinationId: string; warmRuns: number; coldRuns: number },
): Promise<Record<string, Timing & { cold: Timing }>> {
  const browser = await chromium.launch(config.use?.launchOptions);
  const value = await cookie();
  const newContext = async () => {
    const context = await browser.newContext();
    await context.addCookies([{ name: "next-auth.session-token", value, domain: "localhost", path: "/" }]);
    return context;
  };
  const load = async (context: Awaited<ReturnType<typeof newContext>>, label: string) => {
    const page = await context.newPage();
    const q = new URLSearchParams(periodQueryFor(label as "24h", Date.now()) as Record<string, string>);
    await page.goto(`${server.url}/bench/destinations/${opts.destinationId}/delivery?${q}`, {
      waitUntil: "commit",
    });
    // Checked in the page on every animation frame and timed there, from the navigation's start
    // (performance.now()'s origin), so Playwright's polling intervals do not inflate the figure.
    // A string, not a function: tsx's name helpers do not exist in the page.
    const handle = await page.waitForFunction(READY, undefined, { polling: "raf", timeout: 30_000 });
    const ms = (await handle.jsonValue()) as number;
    await page.close();
    return ms;
  };
  const out: Record<string, Timing & { cold: Timing }> = {};
  const warm = await newContext();
  await load(warm, "24h"); // the server's first render of the route, not counted
  for (const label of ["1h", "24h", "7d", "30d", "custom"]) {
    const cold: number[] = [];
    for (let i = 0; i < opts.coldRuns; i++) {
      const context = await newContext();
      cold.push(await load(context, label));
      await context.close();
    }
    const times: number[] = [];
    for (let i = 0; i < opts.warmRuns; i++) times.push(await load(warm, label));
    out[label] = { ...summarize(times), cold: summarize(cold) };
  }
  await browser.close();
  return out;
}
