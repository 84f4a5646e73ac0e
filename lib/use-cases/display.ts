// Constants the browser needs without importing server modules.

/** Same as COUNT_CAP in facts.ts: counts stop there. */
export const COUNT_CAP_DISPLAY = 1000;
