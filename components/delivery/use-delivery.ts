"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type { RetryResult } from "@/lib/delivery/replay";
import type { ReplayView } from "@/lib/delivery/replay-runs";
import type { ErrorsView, KeyMetricsView, OverviewView, SampleView, TrendsView } from "@/lib/metrics/types";

// One hook per Event Delivery panel. While the tab is open every panel refreshes itself; the
// previous answer stays on screen until the next one arrives, so numbers change in place
// instead of flashing through a loading state (also when the period changes).

const LIVE = { refetchInterval: 10_000, placeholderData: keepPreviousData, staleTime: 5_000 } as const;

/** What the server rendered the page with, for the period in the URL at that time. */
export interface InitialPanels {
  qs: string;
  at: number;
  metrics: KeyMetricsView;
  errors: ErrorsView;
  trends: TrendsView;
}

function usePanel<T>(destinationId: string, panel: string, qs: string, initial?: { data: T; at: number }) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["delivery", ws.slug, destinationId, panel, qs],
    queryFn: () => api<T>(ws.api(`/destinations/${destinationId}/delivery/${panel}?${qs}`)),
    initialData: initial?.data,
    initialDataUpdatedAt: initial?.at,
    ...LIVE,
  });
}

const seed = <K extends "metrics" | "errors" | "trends">(
  initial: InitialPanels | undefined,
  qs: string,
  k: K,
) => (initial && initial.qs === qs ? { data: initial[k], at: initial.at } : undefined);

export const useDeliveryMetrics = (destinationId: string, qs: string, initial?: InitialPanels) =>
  usePanel<KeyMetricsView>(destinationId, "metrics", qs, seed(initial, qs, "metrics"));

export const useDeliveryErrors = (destinationId: string, qs: string, initial?: InitialPanels) =>
  usePanel<ErrorsView>(destinationId, "errors", qs, seed(initial, qs, "errors"));

export const useDeliveryTrends = (destinationId: string, qs: string, initial?: InitialPanels) =>
  usePanel<TrendsView>(destinationId, "trends", qs, seed(initial, qs, "trends"));

export const useErrorSamples = (destinationId: string, errorType: string, qs: string) =>
  usePanel<{ samples: SampleView[] }>(destinationId, `errors/${errorType}/samples`, qs);

/** Queues again the messages not delivered in [from, to) (all error types: that is what the API retries). */
export function useRetryDeliveries(destinationId: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (window: { from: string; to: string }) =>
      api<RetryResult>(ws.api(`/destinations/${destinationId}/retries`), { method: "POST", body: window }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["delivery", ws.slug, destinationId] }),
  });
}

export function useDeliveryOverview() {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["delivery", ws.slug, "overview"],
    queryFn: () => api<OverviewView>(ws.api("/delivery/overview")),
    refetchInterval: 30_000,
    placeholderData: keepPreviousData,
  });
}

/** Pause, resume or discard; every panel of the destination is refreshed afterwards. */
export function useDeliveryOperation<T>(destinationId: string, operation: "pause" | "resume" | "discard") {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown> = {}) =>
      api<T>(ws.api(`/destinations/${destinationId}/delivery/${operation}`), { method: "POST", body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["delivery", ws.slug, destinationId] }),
  });
}

export interface ReplaysView {
  replays: ReplayView[];
  sources: { id: string; name: string; environment: string }[];
  retentionDays: number;
  earliest: string;
  ratePerSecond: number;
}

export function useReplays(destinationId: string) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["delivery", ws.slug, destinationId, "replays"],
    queryFn: () => api<ReplaysView>(ws.api(`/destinations/${destinationId}/replays`)),
    // Progress moves every second while a replay runs.
    refetchInterval: (q) => (q.state.data?.replays.some((r) => r.status === "running") ? 1_000 : 10_000),
    placeholderData: keepPreviousData,
  });
}

export function useStartReplay(destinationId: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { sourceIds: string[]; from: string; to: string }) =>
      api<ReplayView>(ws.api(`/destinations/${destinationId}/replays`), { method: "POST", body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["delivery", ws.slug, destinationId] }),
  });
}

export function useCancelReplay(destinationId: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (replayId: number) =>
      api<ReplayView>(ws.api(`/destinations/${destinationId}/replays/${replayId}/cancel`), {
        method: "POST",
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["delivery", ws.slug, destinationId] }),
  });
}
