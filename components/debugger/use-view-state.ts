"use client";

import { useEffect, useState } from "react";
import { type ViewState, viewQuery } from "@/lib/debugger/view-state";

/**
 * The filter state, mirrored into the page URL so a filtered view can be shared and reloaded.
 * history.replaceState rather than router.replace: Next.js keeps useSearchParams in sync with
 * it, and it neither adds a history entry nor refetches the page on every keystroke.
 */
export function useViewState(initial: ViewState) {
  const [state, setState] = useState(initial);
  useEffect(() => {
    const qs = viewQuery(state);
    const url = new URL(window.location.href);
    if (url.search.replace(/^\?/, "") === qs) return;
    url.search = qs;
    window.history.replaceState(window.history.state, "", url);
  }, [state]);
  return [state, setState] as const;
}

/** Whether the page is wide enough (lg, 1024 px) to show the event list and its detail side by side. */
export function useIsWide() {
  const [wide, setWide] = useState(true);
  useEffect(() => {
    const mq = window.matchMedia("(min-width: 1024px)");
    const update = () => setWide(mq.matches);
    update();
    mq.addEventListener("change", update);
    return () => mq.removeEventListener("change", update);
  }, []);
  return wide;
}
