// The console's colour theme: the user's choice (System, Light or Dark) is kept in localStorage
// under THEME_KEY; "system" (nothing stored) follows prefers-color-scheme. The chosen scheme is
// the `dark` class on <html>, which app/globals.css turns into the dark palette. docs/theme.md.

export const THEME_KEY = "switchyard-theme";
export const THEME_CHOICES = ["system", "light", "dark"] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
/** Fired on window when the choice changes in this tab (storage events only reach other tabs). */
export const THEME_EVENT = "switchyard-theme-change";

/** What is stored, read leniently: anything but "light" or "dark" means "follow the system". */
export function parseChoice(stored: string | null | undefined): ThemeChoice {
  return stored === "light" || stored === "dark" ? stored : "system";
}

export function isDark(choice: ThemeChoice, systemDark: boolean): boolean {
  return choice === "dark" || (choice === "system" && systemDark);
}

/**
 * Runs in <head> before the page is painted (app/layout.tsx), so a dark page never flashes
 * light. It also keeps the page in step afterwards: the system switching between light and
 * dark while "System" is chosen, and a choice made in another tab. Plain ES5 with no imports,
 * because it is inlined as text; it mirrors parseChoice and isDark above, which the unit test
 * checks against it.
 */
export const THEME_SCRIPT = `(function(){
var k=${JSON.stringify(THEME_KEY)},m=window.matchMedia("(prefers-color-scheme: dark)");
function apply(){var c;try{c=localStorage.getItem(k)}catch(e){}
document.documentElement.classList.toggle("dark",c==="dark"||(c!=="light"&&m.matches))}
apply();m.addEventListener("change",apply);
window.addEventListener("storage",function(e){if(e.key===k)apply()});
})()`;

/** Stores a choice and applies it at once (the switch in the user menu). */
export function chooseTheme(choice: ThemeChoice) {
  try {
    if (choice === "system") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, choice);
  } catch {
    // Storage refused (private mode): the choice still applies to this page.
  }
  const systemDark = window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.classList.toggle("dark", isDark(choice, systemDark));
  window.dispatchEvent(new Event(THEME_EVENT));
}

export function storedChoice(): ThemeChoice {
  try {
    return parseChoice(localStorage.getItem(THEME_KEY));
  } catch {
    return "system";
  }
}
