import { expect, test } from "@playwright/test";
import {
  acceptedMessages,
  analyticsReady,
  createWebsiteSource,
  NO_FORCED_ORIGIN,
  startShop,
} from "@/e2e/support/shop";
import { signIn } from "@/e2e/support/ui";
import { getSourceType } from "@/lib/catalog";

test.use(NO_FORCED_ORIGIN); // the customer's page makes cross-origin calls of its own

// Segment's own browser library, unmodified, loaded the way a customer's site would load it:
// the install snippet from the source page, on another origin, with its CDN and API host
// pointed at this server. page, identify and track must arrive with their browser context.

test("analytics.js (analytics-next) sends page, identify and track from a customer's site", async ({
  page,
  baseURL,
}) => {
  await signIn(page);
  const { source, writeKey } = await createWebsiteSource(page, "Customer Site");
  const snippet = getSourceType("website")!.installSnippet({ publicUrl: baseURL!, writeKey })[0]!.code;
  const shop = await startShop(`<!doctype html><html><head><title>Shop</title>${snippet}</head><body>
    <button id="buy" onclick="analytics.identify('user-42', { email: 'ada@example.com' }); analytics.track('Order Completed', { total: 42, currency: 'EUR' })">Buy</button>
  </body></html>`);
  try {
    await page.goto(`${shop.url}/checkout?utm_source=test`);
    await analyticsReady(page);
    await page.click("#buy");
    await expect
      .poll(
        () =>
          acceptedMessages(source.id)
            .map((r) => r.type)
            .sort(),
        { timeout: 10_000 },
      )
      .toEqual(["identify", "page", "track"]);
  } finally {
    shop.close();
  }
  const stored = acceptedMessages(source.id);
  const [pageCall, identify, track] = ["page", "identify", "track"].map(
    (t) => stored.find((r) => r.type === t)!.message,
  );
  expect(pageCall!.context.page.url).toBe(`${shop.url}/checkout?utm_source=test`);
  expect(pageCall!.context.page.title).toBe("Shop");
  expect(pageCall!.context.library.name).toBe("analytics.js");
  expect(pageCall!.context.userAgent).toContain("Chrome");
  expect(identify!.userId).toBe("user-42");
  expect(identify!.traits.email).toBe("ada@example.com");
  expect(track!.event).toBe("Order Completed");
  expect(track!.properties).toEqual({ total: 42, currency: "EUR" });
  expect(track!.userId).toBe("user-42");
  expect(track!.anonymousId).toBe(pageCall!.anonymousId);
  expect(track!.context.campaign?.source).toBe("test");
  for (const m of [pageCall!, identify!, track!]) {
    expect(m.writeKey).toBeUndefined();
    expect(typeof m.receivedAt).toBe("string");
    expect(typeof m.sentAt).toBe("string");
    expect(m.context.ip).toMatch(/^(127\.0\.0\.1|::1)$/); // a client-side library: the user's address
  }
});
