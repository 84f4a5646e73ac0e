import { expect, test } from "@playwright/test";
import {
  acceptedMessages,
  analyticsReady,
  createWebsiteSource,
  NO_FORCED_ORIGIN,
  startShop,
} from "@/e2e/support/shop";
import { signIn } from "@/e2e/support/ui";

test.use(NO_FORCED_ORIGIN); // the customer's page makes cross-origin calls of its own

// Issue 15, item 11: Segment's standard snippet, exactly as Segment's documentation gives it
// (segment-docs src/_includes/content/snippet-helper.md, snippet 5.2.1) with only the host and
// the write key replaced, loaded over plain http on a customer's page. The served analytics.js
// must take its settings and send its events here, and nothing may go to Segment's CDN.

const SEGMENT_SNIPPET = `<script>
!function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&console.error("Segment snippet included twice.");else{analytics.invoked=!0;analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group","track","ready","alias","debug","page","screen","once","off","on","addSourceMiddleware","addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware","register"];analytics.factory=function(e){return function(){if(window[i].initialized)return window[i][e].apply(window[i],arguments);var n=Array.prototype.slice.call(arguments);if(["track","screen","alias","group","page","identify"].indexOf(e)>-1){var c=document.querySelector("link[rel='canonical']");n.push({__t:"bpc",c:c&&c.getAttribute("href")||void 0,p:location.pathname,u:location.href,s:location.search,t:document.title,r:document.referrer})}n.unshift(e);analytics.push(n);return analytics}};for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];analytics[key]=analytics.factory(key)}analytics.load=function(key,n){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.setAttribute("data-global-segment-analytics-key",i);t.src="https://cdn.segment.com/analytics.js/v1/" + key + "/analytics.min.js";var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r);analytics._loadOptions=n};analytics._writeKey="YOUR_WRITE_KEY";;analytics.SNIPPET_VERSION="5.2.1";
analytics.load("YOUR_WRITE_KEY");
analytics.page();
}}();
</script>`;

test("Segment's standard snippet, changed only in host and key, sends events over plain http", async ({
  page,
  baseURL,
}) => {
  await signIn(page);
  const { source, writeKey } = await createWebsiteSource(page, "Standard snippet site");
  const snippet = SEGMENT_SNIPPET.replace("https://cdn.segment.com", baseURL!).replaceAll(
    "YOUR_WRITE_KEY",
    writeKey,
  );
  expect(snippet).toContain(`t.src="${baseURL}/analytics.js/v1/"`);
  const shop = await startShop(`<!doctype html><html><head><title>Plain shop</title>${snippet}</head><body>
    <button id="buy" onclick="analytics.track('Order Completed', { total: 42 })">Buy</button>
  </body></html>`);
  const elsewhere: string[] = [];
  page.on("request", (r) => {
    const host = new URL(r.url()).hostname;
    if (host !== "localhost" && host !== "127.0.0.1") elsewhere.push(r.url());
  });
  const loadErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") loadErrors.push(m.text());
  });
  try {
    await page.goto(`${shop.url}/cart`);
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
      .toEqual(["page", "track"]);
  } finally {
    shop.close();
  }
  const track = acceptedMessages(source.id).find((r) => r.type === "track")!.message;
  expect(track.event).toBe("Order Completed");
  expect(track.context.library.name).toBe("analytics.js");
  expect(track.context.page.url).toBe(`${shop.url}/cart`);
  expect(elsewhere).toEqual([]); // nothing fetched from cdn.segment.com or api.segment.io
  expect(loadErrors.filter((e) => /Failed to load Analytics\.js/.test(e))).toEqual([]);
});
