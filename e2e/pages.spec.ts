import path from "node:path";
import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { seriousAxeViolations } from "@/e2e/support/axe";
import { OWNER } from "@/e2e/support/ui";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// Issue 22: every page of the console at a phone's width and a laptop's, in the light and the dark
// color scheme. Each visit fails on sideways overflow of the page (naming the widest elements) and
// on any serious or critical axe-core violation (WCAG 2.0/2.1 A and AA), and leaves a full-page
// screenshot in e2e/.artifacts/pages/<scheme>-<width>/<page>.png for people to look through.
// One browser context per sign-in state is shared by all visits (signing in per test and cold
// caches would triple the run time); the objects the pages show are found or created once.

const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1440, height: 900 },
] as const;
const SCHEMES = ["light", "dark"] as const;
const ARTIFACTS = path.join("e2e", ".artifacts", "pages");

interface Ids {
  sourceId: string;
  webhookId: string;
  warehouseId: string;
  functionId: string;
  planId: string;
  invitePath: string;
  freshSlug: string; // a workspace where guided setup has not started
  setupSlug: string; // a workspace where a use case is chosen
}

type Visit = { name: string; signedOut?: boolean; path: (ids: Ids) => string };

const demo = (p: string) => (_: Ids) => `/demo${p}`;
const PAGES: Visit[] = [
  { name: "login", signedOut: true, path: () => "/login" },
  { name: "signup", signedOut: true, path: () => "/signup" },
  { name: "invite", signedOut: true, path: (ids) => ids.invitePath },
  { name: "welcome", path: () => "/welcome" },
  { name: "overview", path: demo("") },
  { name: "setup-welcome", path: (ids) => `/${ids.freshSlug}/setup` },
  { name: "setup-goal", path: (ids) => `/${ids.freshSlug}/setup/goal` },
  { name: "setup-use-case", path: (ids) => `/${ids.freshSlug}/setup/use-case?goal=optimize-advertising` },
  { name: "setup-environments", path: (ids) => `/${ids.setupSlug}/setup/environments` },
  { name: "setup-checklist", path: (ids) => `/${ids.setupSlug}/setup/checklist` },
  { name: "sources", path: demo("/sources") },
  { name: "source-new", path: demo("/sources/new") },
  { name: "source", path: (ids) => `/demo/sources/${ids.sourceId}` },
  { name: "source-debugger", path: (ids) => `/demo/sources/${ids.sourceId}/debugger` },
  { name: "source-schema", path: (ids) => `/demo/sources/${ids.sourceId}/schema` },
  { name: "source-violations", path: (ids) => `/demo/sources/${ids.sourceId}/violations` },
  { name: "source-settings", path: (ids) => `/demo/sources/${ids.sourceId}/settings` },
  { name: "destinations", path: demo("/destinations") },
  { name: "destination-new", path: demo("/destinations/new") },
  { name: "filter-language", path: demo("/destinations/filter-language") },
  { name: "destination", path: (ids) => `/demo/destinations/${ids.webhookId}` },
  { name: "destination-delivery", path: (ids) => `/demo/destinations/${ids.webhookId}/delivery` },
  { name: "destination-filters", path: (ids) => `/demo/destinations/${ids.webhookId}/filters` },
  { name: "warehouse", path: (ids) => `/demo/destinations/${ids.warehouseId}` },
  { name: "warehouse-syncs", path: (ids) => `/demo/destinations/${ids.warehouseId}/syncs` },
  { name: "warehouse-selective-sync", path: (ids) => `/demo/destinations/${ids.warehouseId}/selective-sync` },
  { name: "functions", path: demo("/functions") },
  { name: "function", path: (ids) => `/demo/functions/${ids.functionId}` },
  { name: "tracking-plans", path: demo("/tracking-plans") },
  { name: "tracking-plan", path: (ids) => `/demo/tracking-plans/${ids.planId}` },
  { name: "privacy", path: demo("/privacy") },
  { name: "members", path: demo("/members") },
  { name: "settings", path: demo("/settings") },
  { name: "audit", path: demo("/audit") },
  { name: "not-found", path: demo("/sources/src_does_not_exist") },
];

let ids: Ids;
let sink: Sink;
let owner: BrowserContext;
let guest: BrowserContext;
const pages = new Map<BrowserContext, Page>();

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000); // signing in and creating a dozen objects, on a busy machine
  sink = await startSink({ kind: "ok" }, { record: false });
  owner = await signedInContext(browser);
  guest = await browser.newContext();
  ids = await findOrCreateObjects(owner.request);
});

test.afterAll(async () => {
  await owner?.close();
  await guest?.close();
  await sink?.close();
});

test("on a phone the sidebar is a menu: it opens over the page, Escape closes it, focus goes in and back, a link closes it", async () => {
  const page = await owner.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/demo/sources");
  const nav = page.getByRole("navigation", { name: "Workspace" });
  const menu = page.getByRole("button", { name: "Menu", exact: true });
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await menu.focus();
  await page.keyboard.press("Enter");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(nav).toBeVisible();
  await expect(page.getByRole("button", { name: "Close menu" })).toBeFocused();
  await page.screenshot({ path: path.join(ARTIFACTS, "menu-open-390.png") });
  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();
  await expect(menu).toBeFocused();

  await menu.click();
  await nav.getByRole("link", { name: "Members" }).click();
  await expect(page).toHaveURL(/\/demo\/members$/);
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");

  // On a laptop there is no menu button: the sidebar is always there.
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(menu).toBeHidden();
  await expect(nav).toBeVisible();
  await page.close();
});

for (const scheme of SCHEMES) {
  for (const size of WIDTHS) {
    test.describe(`${scheme} ${size.width}px`, () => {
      for (const visit of PAGES) {
        test(visit.name, async () => {
          const page = await pageFor(visit.signedOut ? guest : owner);
          await page.setViewportSize(size);
          await page.emulateMedia({ colorScheme: scheme });
          const response = await page.goto(visit.path(ids));
          expect(response?.status(), "the page answers").toBeLessThan(visit.name === "not-found" ? 500 : 400);
          await settle(page);
          const overflow = await horizontalOverflow(page);
          await page.screenshot({
            path: path.join(ARTIFACTS, `${scheme}-${size.width}`, `${visit.name}.png`),
            fullPage: true,
          });
          expect(overflow, `${visit.name} overflows sideways at ${size.width}px`).toBe("");
          const problems = await axeProblems(page);
          expect(problems, `${visit.name}: serious or critical axe violations`).toBe("");
        });
      }
    });
  }
}

async function signedInContext(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/demo$/);
  pages.set(context, page);
  return context;
}

async function pageFor(context: BrowserContext) {
  let page = pages.get(context);
  if (!page || page.isClosed()) {
    page = await context.newPage();
    pages.set(context, page);
  }
  return page;
}

/** Settled: a heading is shown, no skeleton or "Loading…" status is left, web fonts are in. */
async function settle(page: Page) {
  // Client-loaded pages (a function, a plan) can take a while on a busy machine.
  await expect(page.locator("h1").first()).toBeVisible({ timeout: 30_000 });
  await page.waitForFunction(() => {
    const skeletons = [...document.querySelectorAll(".animate-pulse")].filter(
      (el) => el.getBoundingClientRect().width > 24, // not the debugger's "reconnecting" dot
    );
    const loading = [...document.querySelectorAll("[role=status]")].filter((el) =>
      /^Loading/.test(el.textContent?.trim() ?? ""),
    );
    return skeletons.length === 0 && loading.length === 0;
  });
  await page.evaluate(() => document.fonts.ready);
}

/** "" when the page fits its viewport; else the widest elements sticking out, as selectors. */
async function horizontalOverflow(page: Page): Promise<string> {
  return page.evaluate(() => {
    const viewport = window.innerWidth;
    if (document.documentElement.scrollWidth <= viewport + 1) return "";
    const label = (el: Element) => {
      const id = el.id ? `#${el.id}` : "";
      const classes = [...el.classList]
        .slice(0, 4)
        .map((c) => `.${CSS.escape(c)}`)
        .join("");
      const text = (el.textContent ?? "").trim().slice(0, 40);
      return `${el.tagName.toLowerCase()}${id}${classes} "${text}"`;
    };
    // The outermost elements whose right edge passes the viewport and that no scrolling or
    // clipping container holds in: fixing those fixes the rest.
    const reach = (el: Element) => el.getBoundingClientRect().right;
    const heldIn = (el: Element) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
        if (getComputedStyle(a).overflowX !== "visible" && reach(a) <= viewport + 1) return true;
      return false;
    };
    const out = [...document.body.querySelectorAll("*")]
      .map((el) => ({ el, right: reach(el) }))
      .filter(({ el, right }) => right > viewport + 1 && !el.parentElement?.closest("svg") && !heldIn(el))
      .filter(({ el }) => {
        const parent = el.parentElement;
        return !parent || parent === document.body || reach(parent) <= viewport + 1;
      })
      .sort((a, b) => b.right - a.right)
      .slice(0, 5)
      .map(({ el, right }) => `${label(el)} reaches ${Math.round(right)}px`);
    if (out.length === 0) {
      // Nothing sticks out in flow: an absolutely positioned element (often a visually hidden
      // label) escaped a scrolling container that is not itself positioned.
      const escaped = [...document.body.querySelectorAll("*")]
        .filter((el) => reach(el) > viewport + 1 && getComputedStyle(el).position === "absolute")
        .slice(0, 5)
        .map((el) => `${label(el)} (position: absolute) reaches ${Math.round(reach(el))}px`);
      out.push(...escaped);
    }
    return `page is ${document.documentElement.scrollWidth}px wide in a ${viewport}px viewport: ${out.join("; ")}`;
  });
}

async function axeProblems(page: Page): Promise<string> {
  return (await seriousAxeViolations(page))
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes
          .slice(0, 8)
          .map(
            (n) =>
              `    ${n.target.join(" ")}${n.failureSummary ? ` - ${n.failureSummary.split("\n")[1]?.trim()}` : ""}`,
          )
          .join("\n")}`,
    )
    .join("\n");
}

type Api = BrowserContext["request"];

async function ok<T>(res: Awaited<ReturnType<Api["get"]>>, what: string): Promise<T> {
  expect(res.ok(), `${what}: ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

/**
 * The demo seed has two sources and nothing else; the pages need a destination with deliveries,
 * a warehouse, a function, a tracking plan, an invitation and two workspaces at different steps
 * of guided setup. Found by name when an earlier run of this file (or a restarted worker) made them.
 */
async function findOrCreateObjects(api: Api): Promise<Ids> {
  const ws = "/api/workspaces/demo";
  const { sources } = await ok<{ sources: { id: string; name: string }[] }>(
    await api.get(`${ws}/sources`),
    "sources",
  );
  let source = sources.find((s) => s.name === "Sweep shop");
  let writeKey = "";
  if (!source) {
    const created = await ok<{ source: { id: string; name: string }; writeKey: string }>(
      await api.post(`${ws}/sources`, { data: { name: "Sweep shop", type: "website", environment: "dev" } }),
      "source",
    );
    source = created.source;
    writeKey = created.writeKey;
  }

  const { destinations } = await ok<{ destinations: { id: string; name: string }[] }>(
    await api.get(`${ws}/destinations`),
    "destinations",
  );
  let webhookId = destinations.find((d) => d.name === "Sweep webhook")?.id;
  if (!webhookId) {
    // Every fifth request is refused, so the delivery dashboard has an error to show.
    sink.setMode((_req, i) =>
      i % 5 === 4 ? { kind: "status", status: 400, body: "bad payload" } : { kind: "ok" },
    );
    const created = await api.post(`${ws}/destinations`, {
      data: {
        type: "webhook",
        name: "Sweep webhook",
        enabled: true,
        sourceIds: [source.id],
        settings: { url: sink.url },
      },
    });
    webhookId = (await ok<{ destination: { id: string } }>(created, "webhook")).destination.id;
    if (writeKey) await sendTraffic(api, writeKey);
  }
  let warehouseId = destinations.find((d) => d.name === "Sweep warehouse")?.id;
  if (!warehouseId) {
    const created = await api.post(`${ws}/destinations`, {
      data: {
        type: "postgres",
        name: "Sweep warehouse",
        sourceIds: [source.id],
        // A real server but a database nobody creates: the pages show a warehouse, nothing loads.
        settings: {
          host: "127.0.0.1",
          port: 5432,
          database: "sy_sweep_never_created",
          username: "postgres",
          password: "unused",
          sslMode: "disable",
          syncIntervalMinutes: 1440,
        },
      },
    });
    warehouseId = (await ok<{ destination: { id: string } }>(created, "warehouse")).destination.id;
  }

  const { functions } = await ok<{ functions: { id: string; name: string }[] }>(
    await api.get(`${ws}/functions`),
    "functions",
  );
  const functionId =
    functions.find((f) => f.name === "Sweep function")?.id ??
    (
      await ok<{ function: { id: string } }>(
        await api.post(`${ws}/functions`, { data: { kind: "source", name: "Sweep function" } }),
        "function",
      )
    ).function.id;

  const { plans } = await ok<{ plans: { id: string; name: string }[] }>(
    await api.get(`${ws}/tracking-plans`),
    "plans",
  );
  const planId =
    plans.find((p) => p.name === "Sweep plan")?.id ??
    (
      await ok<{ plan: { id: string } }>(
        await api.post(`${ws}/tracking-plans`, {
          data: { name: "Sweep plan", fromUseCase: "optimize-advertising/mitigate-cart-abandonment" },
        }),
        "plan",
      )
    ).plan.id;

  const invite = await ok<{ link: string }>(
    await api.post(`${ws}/invitations`, { data: { role: "read_only" } }),
    "invitation",
  );

  const { workspaces } = await ok<{ workspaces: { slug: string; name: string }[] }>(
    await api.get("/api/workspaces"),
    "workspaces",
  );
  const workspace = async (name: string) =>
    workspaces.find((w) => w.name === name)?.slug ??
    (await ok<{ workspace: { slug: string } }>(await api.post("/api/workspaces", { data: { name } }), name))
      .workspace.slug;
  const freshSlug = await workspace("Sweep fresh setup");
  const setupSlug = await workspace("Sweep chosen setup");
  const chosen = await api.post(`/api/workspaces/${setupSlug}/setup`, {
    data: { goalId: "optimize-advertising", useCaseSlug: "mitigate-cart-abandonment" },
  });
  expect([201, 409], await chosen.text()).toContain(chosen.status());

  return {
    sourceId: source.id,
    webhookId,
    warehouseId,
    functionId,
    planId,
    invitePath: new URL(invite.link).pathname,
    freshSlug,
    setupSlug,
  };
}

/** A little of everything, so the source, debugger, schema and delivery pages have rows to lay out. */
async function sendTraffic(api: Api, writeKey: string) {
  await new Promise((r) => setTimeout(r, 2500)); // the router re-reads destinations about once a second
  const batch = Array.from({ length: 20 }, (_, i) =>
    i % 4 === 0
      ? { type: "identify", userId: `user-${i}`, traits: { email: `user-${i}@example.com`, plan: "pro" } }
      : i % 4 === 1
        ? { type: "page", userId: `user-${i}`, name: "Pricing", properties: { path: "/pricing" } }
        : {
            type: "track",
            userId: `user-${i}`,
            event: i % 2 ? "Order Completed" : "Product Viewed with a rather long event name for wrapping",
            properties: { order_id: `order_${i}_0123456789abcdef0123456789abcdef`, total: i * 3.5 },
          },
  );
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
  const res = await api.post("/v1/batch", { headers: { authorization: auth }, data: { batch } });
  expect(res.status()).toBe(200);
  await expect.poll(() => sink.count, { timeout: 60_000 }).toBeGreaterThanOrEqual(20);
}
