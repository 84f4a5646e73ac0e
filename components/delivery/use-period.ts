"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import {
  DEFAULT_PERIOD,
  type PeriodQuery,
  type PresetPeriod,
  periodQuery,
  periodQueryString,
} from "@/lib/metrics/period";

// The selected period lives in the URL (?period=7d, or ?from=&to= in ISO), so a view can be
// shared and survives a reload. Invalid parameters are kept as they are: the API answers 400
// with the reason, which the page shows next to a way back to the default.

export interface PeriodState {
  query: PeriodQuery;
  /** The query string the API calls use ("period=24h" or "from=...&to=..."). */
  qs: string;
  /** Zod's message when the URL's period is invalid. */
  invalid: string | null;
  setPreset(period: PresetPeriod): void;
  setCustom(from: string, to: string): void;
}

export function usePeriod(): PeriodState {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const period = params.get("period") ?? undefined;
  const from = params.get("from") ?? undefined;
  const to = params.get("to") ?? undefined;
  return useMemo(() => {
    const raw = { period, from, to };
    const parsed = periodQuery.safeParse(raw);
    const query: PeriodQuery = parsed.success ? parsed.data : { period: DEFAULT_PERIOD };
    // Invalid parameters go to the API as they are, so its 400 names the problem.
    const qs = periodQueryString(parsed.success ? parsed.data : (raw as PeriodQuery));
    const go = (next: Record<string, string>) =>
      router.replace(`${pathname}?${new URLSearchParams(next)}`, { scroll: false });
    return {
      query,
      qs,
      invalid: parsed.success ? null : (parsed.error.issues[0]?.message ?? "Invalid period"),
      setPreset: (p) => go({ period: p }),
      setCustom: (f, t) => go({ from: f, to: t }),
    };
  }, [period, from, to, router, pathname]);
}
