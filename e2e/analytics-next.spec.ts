import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import Database from "better-sqlite3";
import { signIn } from "@/e2e/support/ui";
import { getSourceType } from "@/lib/catalog";

// Segment's own browser library, unmodified, loaded the way a customer's site would load it:
// the install snippet from the source page, on another origin, with its CDN and API host
// pointed at this server. page, identify and track must arrive with their browser context.

test("analytics.js (analytics-next) sends page, identify and track from a customer's site", async ({
  page,
  baseURL,
}) => {
  await signIn(page);
  const created = await page.request.post("/api/workspaces/demo/sources", {
    data: { name: "Customer Site", type: "website", environment: "dev" },
  });
  const { source, writeKey } = (await created.json()) as { source: { id: string }; writeKey: string };
  const snippet = getSourceType("website")!.installSnippet({ publicUrl: baseURL!, writeKey })[0]!.code;

  // A shop on its own origin (cross-origin to Switchyard: exercises CORS and preflights), served
  // by a real loopback server: Chromium's Local Network Access only lets pages that themselves
  // come from a local address call localhost, as a public site would call a public Switchyard.
  const html = `<!doctype html><html><head><title>Shop</title>${snippet}</head><body>
    <button id="buy" onclick="analytics.identify('user-42', { email: 'ada@example.com' }); analytics.track('Order Completed', { total: 42, currency: 'EUR' })">Buy</button>
  </body></html>`;
  const server = http.createServer((_req, res) =>
    res.writeHead(200, { "content-type": "text/html" }).end(html),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const shop = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await page.goto(`${shop}/checkout?utm_source=test`);
  await page.waitForFunction(
    () => (window as unknown as { analytics: { initialized?: boolean } }).analytics.initialized === true,
  );
  await page.click("#buy");

  const db = new Database(process.env.E2E_DATABASE_URL!.replace(/^file:/, ""), { readonly: true });
  const rows = () =>
    db
      .prepare(
        `SELECT "type", "payload" FROM "Message" WHERE "sourceId" = ? AND "status" = 'accepted' ORDER BY "seq"`,
      )
      .all(source.id) as {
      type: string;
      payload: string;
    }[];
  await expect
    .poll(
      () =>
        rows()
          .map((r) => r.type)
          .sort(),
      { timeout: 10_000 },
    )
    .toEqual(["identify", "page", "track"]);
  const [pageCall, identify, track] = ["page", "identify", "track"].map((t) =>
    JSON.parse(rows().find((r) => r.type === t)!.payload),
  );
  db.close();
  server.close();

  expect(pageCall.context.page.url).toBe(`${shop}/checkout?utm_source=test`);
  expect(pageCall.context.page.title).toBe("Shop");
  expect(pageCall.context.library.name).toBe("analytics.js");
  expect(pageCall.context.userAgent).toContain("Chrome");
  expect(identify.userId).toBe("user-42");
  expect(identify.traits.email).toBe("ada@example.com");
  expect(track.event).toBe("Order Completed");
  expect(track.properties).toEqual({ total: 42, currency: "EUR" });
  expect(track.userId).toBe("user-42");
  expect(track.anonymousId).toBe(pageCall.anonymousId);
  expect(track.context.campaign?.source).toBe("test");
  for (const m of [pageCall, identify, track]) {
    expect(m.writeKey).toBeUndefined();
    expect(typeof m.receivedAt).toBe("string");
    expect(typeof m.sentAt).toBe("string");
  }
});
