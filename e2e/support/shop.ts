import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type Page } from "@playwright/test";
import { openRaw } from "@/lib/db/open";

// A customer's site for the analytics.js specs: a website source in the demo workspace, a page on
// its own loopback origin (cross-origin to Switchyard, so CORS and preflights are exercised;
// Chromium's Local Network Access only lets pages that themselves come from a local address call
// localhost, as a public site would call a public Switchyard), and the messages it stored.

export async function createWebsiteSource(page: Page, name: string) {
  // The specs with a customer's site send no context-wide Origin (it would break the site's CORS),
  // so this console call names its origin itself, as the console's own fetches do.
  const origin = new URL(page.url() === "about:blank" ? "/" : page.url()).origin;
  const created = await page.request.post("/api/workspaces/demo/sources", {
    data: { name, type: "website", environment: "dev" },
    headers: { origin },
  });
  expect(created.status()).toBe(201);
  return (await created.json()) as { source: { id: string }; writeKey: string };
}

/** For specs with a customer's page: the context-wide Origin header must not reach its CORS calls. */
export const NO_FORCED_ORIGIN = { extraHTTPHeaders: {} };

export async function startShop(html: string): Promise<{ url: string; close(): void }> {
  const server = http.createServer((_req, res) =>
    res.writeHead(200, { "content-type": "text/html" }).end(html),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** Waits until analytics.js has loaded its settings and replaced the snippet's stub. */
export async function analyticsReady(page: Page) {
  await page.waitForFunction(
    () => (window as unknown as { analytics: { initialized?: boolean } }).analytics.initialized === true,
    undefined,
    { timeout: 20_000 },
  );
}

/** The source's accepted messages in arrival order, read from the server's database. */
export function acceptedMessages(sourceId: string) {
  const db = openRaw(process.env.E2E_DATABASE_URL!);
  try {
    const rows = db
      .prepare(
        `SELECT "type", "payload" FROM "Message" WHERE "sourceId" = ? AND "status" = 'accepted' ORDER BY "seq"`,
      )
      .all(sourceId) as { type: string; payload: string }[];
    // biome-ignore lint/suspicious/noExplicitAny: tests reach into arbitrary stored JSON
    return rows.map((r) => ({ type: r.type, message: JSON.parse(r.payload) as Record<string, any> }));
  } finally {
    db.close();
  }
}
