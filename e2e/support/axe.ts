import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/**
 * Waits until every finite animation and CSS transition on the page has ended. A control that
 * becomes enabled as its data arrives fades its colour over 150 ms; measured mid-fade its text
 * has neither colour, and axe would judge a contrast no user sees for long. Spinners (infinite
 * animations) are left running.
 */
export async function settleAnimations(page: Page) {
  await page.evaluate(async () => {
    const finite = () =>
      document.getAnimations().filter((a) => {
        const timing = a.effect?.getComputedTiming();
        return a.playState === "running" && timing?.iterations !== Number.POSITIVE_INFINITY;
      });
    // A transition can start as another ends (a colour, then a border): a few rounds, bounded.
    for (let round = 0; round < 5; round++) {
      const running = finite();
      if (running.length === 0) return;
      await Promise.all(running.map((a) => a.finished.catch(() => undefined)));
    }
  });
}

/** Serious and critical axe-core violations (WCAG 2.0/2.1 A and AA) once the page is still. */
export async function seriousAxeViolations(page: Page) {
  await settleAnimations(page);
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
