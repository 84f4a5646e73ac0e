import { describe, expect, it } from "vitest";
import { isDark, parseChoice, THEME_KEY, THEME_SCRIPT } from "@/lib/theme";

// The inline script in <head> and the switch in the user menu must agree on what each stored
// value means: run the script text against a stand-in window for every stored value and system
// scheme, then change the system scheme and the stored value as the browser would.

function runScript(stored: string | null, systemDark: boolean) {
  const classes = new Set<string>();
  const store = new Map<string, string>(stored === null ? [] : [[THEME_KEY, stored]]);
  const listeners: Record<string, ((e: { key?: string }) => void)[]> = {};
  const media = {
    matches: systemDark,
    addEventListener: (_: string, fn: () => void) => {
      listeners.media = [...(listeners.media ?? []), fn];
    },
  };
  const window = {
    matchMedia: () => media,
    addEventListener: (type: string, fn: (e: { key?: string }) => void) => {
      listeners[type] = [...(listeners[type] ?? []), fn];
    },
  };
  const document = {
    documentElement: {
      classList: { toggle: (c: string, on: boolean) => (on ? classes.add(c) : classes.delete(c)) },
    },
  };
  const localStorage = { getItem: (k: string) => store.get(k) ?? null };
  new Function("window", "document", "localStorage", THEME_SCRIPT)(window, document, localStorage);
  return {
    dark: () => classes.has("dark"),
    systemChanges(dark: boolean) {
      media.matches = dark;
      for (const fn of listeners.media ?? []) fn({});
    },
    otherTabStores(value: string | null) {
      if (value === null) store.delete(THEME_KEY);
      else store.set(THEME_KEY, value);
      for (const fn of listeners.storage ?? []) fn({ key: THEME_KEY });
    },
  };
}

describe("theme", () => {
  it("the inline script applies the same theme as the switch for every stored value", () => {
    for (const stored of [null, "system", "light", "dark", "garbage"])
      for (const systemDark of [false, true])
        expect(runScript(stored, systemDark).dark(), `${stored} / system dark ${systemDark}`).toBe(
          isDark(parseChoice(stored), systemDark),
        );
  });

  it("an explicit choice wins over the system; no choice follows it", () => {
    expect(isDark("light", true)).toBe(false);
    expect(isDark("dark", false)).toBe(true);
    expect(isDark("system", true)).toBe(true);
    expect(isDark("system", false)).toBe(false);
  });

  it("follows the system when it changes while System is chosen, but not over a choice", () => {
    const system = runScript(null, false);
    system.systemChanges(true);
    expect(system.dark()).toBe(true);
    const light = runScript("light", false);
    light.systemChanges(true);
    expect(light.dark()).toBe(false);
  });

  it("takes a choice made in another tab", () => {
    const page = runScript(null, false);
    page.otherTabStores("dark");
    expect(page.dark()).toBe(true);
    page.otherTabStores(null);
    expect(page.dark()).toBe(false);
  });
});
