import type { HTMLAttributes } from "react";

/**
 * A <pre> that may scroll (long lines, long payloads). It takes keyboard focus so people who do not
 * use a pointer can scroll it too (axe-core's scrollable-region-focusable); the global
 * :focus-visible outline shows where they are.
 */
export function ScrollablePre(props: HTMLAttributes<HTMLPreElement>) {
  // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
  return <pre tabIndex={0} {...props} />;
}
