import { expect, type Page, test } from "@playwright/test";
import { createSource, sender } from "@/e2e/support/debugger";
import { signIn, snap } from "@/e2e/support/ui";

// The Source Debugger keeps its state: the search box, Advanced search and the chips are one
// filter state kept in the URL; an open event stays put while events arrive; keys move, open
// and close; times show their date when not today; below 1024 px the detail is a sheet.

async function openDebugger(page: Page, name: string, events: Record<string, unknown>[]) {
  await signIn(page);
  const { source, writeKey } = await createSource(page, name);
  const send = sender(page, writeKey);
  if (events.length) expect((await send.batch(events)).status()).toBe(200);
  const url = `/demo/sources/${source.id}/debugger`;
  await page.goto(url);
  if (events.length) await expect(page.getByTestId("event-row")).toHaveCount(events.length);
  return { send, url };
}

const track = (event: string, extra: Record<string, unknown> = {}) => ({
  type: "track",
  userId: "ada",
  event,
  ...extra,
});

const chips = (page: Page) => page.getByTestId("filter-chip");
const selectedRow = (page: Page) =>
  page.getByRole("listbox", { name: "Events" }).getByRole("option", { selected: true });
const rows = (page: Page) => page.getByTestId("event-row");
const search = (page: Page) => page.getByLabel("Search events");
const query = (page: Page) => new URL(page.url()).searchParams;

test("the search box, Advanced and the chips are one state, kept in the URL", async ({ page }) => {
  const { url } = await openDebugger(page, "Filter State Site", [
    track("Signed Up"),
    track("Signed Up"),
    track("Order Completed"),
    { type: "identify", userId: "grace", traits: { plan: "pro" } },
    { type: "page", userId: "ada", name: "Pricing" },
  ]);

  // Typing filters what is loaded; Enter runs the search over all history. Both show as chips.
  await search(page).fill("signed up");
  await expect(rows(page)).toHaveCount(2);
  await expect(chips(page)).toHaveText(['search: "signed up"']);
  await search(page).press("Enter");
  await expect(chips(page)).toHaveText(['search: "signed up"', "all history"]);
  expect(query(page).get("q")).toBe("signed up");
  expect(query(page).get("history")).toBe("1");
  await expect(rows(page)).toHaveCount(2);

  // Clearing the box clears the filter: no chip, no query, every event back.
  await search(page).fill("");
  await expect(chips(page)).toHaveCount(0);
  await expect(rows(page)).toHaveCount(5);
  await expect(page.getByTestId("event-count")).toHaveText("5 events");
  expect(page.url()).not.toContain("?");

  // Advanced filters become chips too; each × removes only its own filter, from the keyboard too.
  await page.getByRole("button", { name: "Advanced" }).click();
  await page.getByRole("checkbox", { name: "track" }).check();
  await page.getByRole("checkbox", { name: "page" }).check();
  await page.getByLabel("Event name").fill("Signed Up");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(chips(page)).toHaveText(["type: track", "type: page", "event: Signed Up"]);
  await expect(rows(page)).toHaveCount(2);
  await page.getByRole("button", { name: "Remove filter event: Signed Up" }).click();
  await expect(chips(page)).toHaveText(["type: track", "type: page"]);
  await expect(rows(page)).toHaveCount(4); // 3 tracks and the page
  await expect(page.getByLabel("Event name")).toHaveValue(""); // Advanced follows the chips
  await page.getByRole("button", { name: "Advanced" }).click(); // closed: the chips come next
  await search(page).focus();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Remove filter type: track" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(chips(page)).toHaveText(["type: page"]);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText("Pricing");

  // The URL holds the whole state; loading it restores the box, the chips and Advanced.
  await search(page).fill("pricing");
  await search(page).press("Enter");
  await expect(chips(page)).toHaveText(['search: "pricing"', "all history", "type: page"]);
  expect(Object.fromEntries(query(page))).toEqual({ q: "pricing", history: "1", types: "page" });
  const shared = page.url();
  await page.goto(url);
  await expect(chips(page)).toHaveCount(0);
  await page.goto(shared);
  await expect(search(page)).toHaveValue("pricing");
  await expect(chips(page)).toHaveText(['search: "pricing"', "all history", "type: page"]);
  await expect(rows(page)).toHaveCount(1);
  const historyLength = await page.evaluate(() => window.history.length);
  await page.getByRole("button", { name: "Advanced" }).click();
  await expect(page.getByRole("checkbox", { name: "page" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "track" })).not.toBeChecked();

  // One chip removed, then Clear all: nothing filters, the URL is bare again.
  await page.getByRole("button", { name: "Remove filter all history" }).click();
  await expect(chips(page)).toHaveText(['search: "pricing"', "type: page"]);
  expect(query(page).get("history")).toBeNull();
  await page.getByRole("checkbox", { name: "identify" }).check();
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(chips(page)).toHaveText(['search: "pricing"', "type: identify", "type: page"]);
  await page.getByRole("button", { name: "Clear all" }).click();
  await expect(chips(page)).toHaveCount(0);
  await expect(search(page)).toHaveValue("");
  await expect(page.getByRole("checkbox", { name: "page" })).not.toBeChecked();
  await expect(rows(page)).toHaveCount(5);
  expect(page.url()).not.toContain("?");
  // Filtering replaced the URL in place, adding no history entry for Back to wade through.
  expect(await page.evaluate(() => window.history.length)).toBe(historyLength);
});

test("an open event stays pinned while events arrive, behind an N new events marker", async ({ page }) => {
  const { send } = await openDebugger(page, "Pinned Site", [track("First"), track("Second"), track("Third")]);
  await rows(page).filter({ hasText: "Second" }).click();
  await expect(page.getByTestId("payload")).toContainText('"Second"');
  const before = await rows(page).filter({ hasText: "Second" }).boundingBox();

  for (const event of ["Fourth", "Fifth"]) expect((await send.track(track(event))).status()).toBe(200);
  await expect(page.getByTestId("new-events")).toContainText("2 new events");
  // The list did not move: same rows, the selection where it was, the detail unchanged.
  await expect(rows(page)).toHaveCount(3);
  await expect(rows(page).first()).toContainText("Third");
  expect(await rows(page).filter({ hasText: "Second" }).boundingBox()).toEqual(before);
  await expect(selectedRow(page)).toContainText("Second");
  await expect(page.getByTestId("payload")).toContainText('"Second"');
  await snap(page, "debugger-pinned");

  // The marker shows them from the top; the event stays open and selected.
  await page.getByTestId("new-events").click();
  await expect(rows(page)).toHaveCount(5);
  await expect(rows(page).first()).toContainText("Fifth");
  await expect(page.getByTestId("new-events")).toHaveCount(0);
  await expect(selectedRow(page)).toContainText("Second");
  await expect(page.getByTestId("payload")).toContainText('"Second"');

  // Closing the event shows what arrived meanwhile.
  expect((await send.track(track("Sixth"))).status()).toBe(200);
  await expect(page.getByTestId("new-events")).toContainText("1 new event");
  await expect(rows(page)).toHaveCount(5);
  await page.getByRole("button", { name: "Close", exact: true }).click();
  await expect(rows(page)).toHaveCount(6);
  await expect(rows(page).first()).toContainText("Sixth");
  await expect(page.getByTestId("payload")).toHaveCount(0);

  // Nothing open: events go straight in.
  expect((await send.track(track("Seventh"))).status()).toBe(200);
  await expect(rows(page).first()).toContainText("Seventh");
  await expect(page.getByTestId("new-events")).toHaveCount(0);
});

test("arrow keys and j/k move the selection, Enter opens, Escape closes", async ({ page }) => {
  await openDebugger(page, "Keys Site", [track("Alpha"), track("Bravo"), track("Charlie")]);
  const list = page.getByRole("listbox", { name: "Events" });
  const selected = selectedRow(page);
  // Newest first: Charlie, Bravo, Alpha.
  await page.keyboard.press("j");
  await expect(selected).toContainText("Charlie");
  await expect(list).toBeFocused();
  await expect(list).toHaveAttribute("aria-activedescendant", (await selected.getAttribute("id"))!);
  await page.keyboard.press("j");
  await expect(selected).toContainText("Bravo");
  await page.keyboard.press("ArrowDown");
  await expect(selected).toContainText("Alpha");
  await page.keyboard.press("ArrowDown"); // stays on the last
  await expect(selected).toContainText("Alpha");
  await page.keyboard.press("k");
  await expect(selected).toContainText("Bravo");
  await expect(page.getByTestId("payload")).toHaveCount(0); // moved, not opened

  await page.keyboard.press("Enter");
  await expect(page.getByTestId("payload")).toContainText('"Bravo"');
  await page.keyboard.press("ArrowUp"); // the open detail follows the selection
  await expect(selected).toContainText("Charlie");
  await expect(page.getByTestId("payload")).toContainText('"Charlie"');
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("payload")).toHaveCount(0);
  await expect(page.getByText("Select an event to see its payload")).toBeVisible();
  await expect(selected).toContainText("Charlie");
  await expect(list).toBeFocused();

  // Keys typed into a field are text, not commands.
  await page.getByRole("button", { name: "Advanced" }).click();
  const field = page.getByLabel("Event name");
  for (const key of ["j", "ArrowDown", "j", "k"]) await field.press(key);
  await expect(field).toHaveValue("jjk");
  await expect(selected).toContainText("Charlie");
  await expect(page.getByTestId("payload")).toHaveCount(0);
});

test("times show the date when not today, with the full ISO time on hover", async ({ page }) => {
  const yesterday = new Date(Date.now() - 86_400_000).toISOString();
  await openDebugger(page, "Times Site", [
    // A historical import: no sentAt, so the timestamp is kept as sent.
    track("Imported Yesterday", { timestamp: yesterday }),
    // A device whose call waited a day: originalTimestamp and sentAt, corrected on arrival.
    track("Queued Offline", { originalTimestamp: yesterday, sentAt: new Date().toISOString() }),
    track("Just Now"),
  ]);
  const day = await page.evaluate(
    (iso) => new Date(iso).toLocaleDateString("en-US", { month: "short", day: "numeric" }),
    yesterday,
  );
  const time = (name: string) => rows(page).filter({ hasText: name }).locator("time");
  // The list shows the event's `timestamp` (when it happened), not when it was received.
  await expect(time("Imported Yesterday")).toHaveText(new RegExp(`^${day}, \\d\\d:\\d\\d:\\d\\d$`));
  await expect(time("Imported Yesterday")).toHaveAttribute("datetime", yesterday);
  await expect(time("Imported Yesterday")).toHaveAttribute(
    "title",
    /^timestamp \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d \(.+\)$/,
  );
  await expect(time("Queued Offline")).toHaveText(new RegExp(`^${day}, `));
  await expect(time("Just Now")).toHaveText(/^\d\d:\d\d:\d\d$/);

  // The detail shows both: when it happened (yesterday) and when it arrived (today).
  await rows(page).filter({ hasText: "Imported Yesterday" }).click();
  const detail = page.getByTestId("event-detail");
  await expect(detail.locator("time").first()).toHaveText(new RegExp(`^${day}, `));
  await expect(detail.locator("time").nth(1)).toHaveText(/^\d\d:\d\d:\d\d$/);
});

test("at 1440 px the list and the open event sit side by side", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openDebugger(page, "Wide Site", [
    track("Signed Up", { properties: { plan: "Enterprise" } }),
    track("Order Completed", { properties: { total: 42 } }),
    { type: "page", userId: "ada", name: "Pricing" },
  ]);
  await search(page).fill("ada");
  await page.getByRole("button", { name: "Advanced" }).click();
  await page.getByRole("checkbox", { name: "track" }).check();
  await page.getByRole("button", { name: "Apply filters" }).click();
  await page.getByRole("button", { name: "Advanced" }).click();
  await expect(rows(page)).toHaveCount(2);
  await rows(page).filter({ hasText: "Order Completed" }).click();
  const list = await page.getByRole("region", { name: "Events" }).boundingBox();
  const detail = await page.getByTestId("event-detail").boundingBox();
  expect(detail!.x).toBeGreaterThan(list!.x + list!.width - 1);
  expect(detail!.y).toBe(list!.y);
  await snap(page, "debugger-1440-open-filtered");

  // The chosen tab survives a change of layout (pane -> sheet -> pane), e.g. a resized window.
  await page.getByRole("tab", { name: "Raw" }).click();
  await page.setViewportSize({ width: 800, height: 900 });
  const sheet = page.getByRole("dialog", { name: "Event detail" });
  await expect(sheet.getByRole("tab", { name: "Raw" })).toHaveAttribute("aria-selected", "true");
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(page.getByTestId("event-detail").getByRole("tab", { name: "Raw" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
});

test("below 1024 px the list takes the width and the event opens as a sheet", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openDebugger(page, "Narrow Site", [
    track("Signed Up", { properties: { plan: "Enterprise" } }),
    track("Order Completed", { properties: { total: 42 } }),
    { type: "page", userId: "ada", name: "Pricing" },
  ]);
  await search(page).fill("ada");
  await search(page).press("Enter");
  await expect(chips(page)).toHaveCount(2);
  // Stacked: the list is as wide as the debugger and nothing in it spills sideways. (How wide
  // the debugger itself is at 390 px depends on the console's sidebar collapsing, which the
  // every-page overflow check covers.)
  const list = page.getByRole("region", { name: "Events" });
  const width = (await page.getByTestId("debugger").boundingBox())!.width;
  expect((await list.boundingBox())!.width).toBe(width);
  expect(await list.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await expect(page.getByTestId("event-detail")).toHaveCount(0);

  await rows(page).filter({ hasText: "Order Completed" }).click();
  const sheet = page.getByRole("dialog", { name: "Event detail" });
  await expect(sheet).toBeVisible();
  const box = (await sheet.boundingBox())!;
  expect([box.x, box.width]).toEqual([0, 390]);
  await expect(sheet.getByTestId("payload")).toContainText('"Order Completed"');
  await expect(sheet.getByRole("button", { name: "Close", exact: true })).toBeFocused();
  expect(await sheet.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await snap(page, "debugger-390-sheet");
  await page.keyboard.press("Escape");
  await expect(sheet).toHaveCount(0);
  await expect(page.getByRole("listbox", { name: "Events" })).toBeFocused();

  await page.keyboard.press("Enter"); // reopens the selected event
  await expect(sheet).toBeVisible();
  await sheet.getByRole("button", { name: "Close", exact: true }).click();
  await expect(sheet).toHaveCount(0);
  await snap(page, "debugger-390-list");
});
