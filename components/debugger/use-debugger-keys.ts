"use client";

import { useEffect, useRef } from "react";

/** Where a key belongs to what is being typed into, not to the list. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * The debugger's keys, anywhere on the page except in a text field: ↓/j and ↑/k move the
 * selection, Enter opens it (when the list or nothing has focus, so buttons keep their Enter),
 * Escape closes the open event.
 */
export function useDebuggerKeys(handlers: {
  move: (by: 1 | -1) => void;
  open: () => void;
  /** Returns whether something was open. */
  close: () => boolean;
  list: () => HTMLElement | null;
}) {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
      const h = latest.current;
      const onList = e.target === document.body || e.target === h.list();
      switch (e.key) {
        case "ArrowDown":
        case "j":
          h.move(1);
          break;
        case "ArrowUp":
        case "k":
          h.move(-1);
          break;
        case "Enter":
          if (!onList) return;
          h.open();
          break;
        case "Escape":
          if (!h.close()) return;
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
