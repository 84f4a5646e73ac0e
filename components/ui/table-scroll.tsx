import type { ReactNode } from "react";

/**
 * A table's frame that scrolls sideways on a narrow screen instead of widening the page. It takes
 * keyboard focus for tables whose rows hold nothing to tab to (axe-core's
 * scrollable-region-focusable), and is positioned so visually hidden headers stay inside it.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <section
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
      tabIndex={0}
      className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white"
    >
      {children}
    </section>
  );
}
