"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type { ConnectionCheck } from "@/lib/warehouses/loader";
import type { WarehouseUpdate } from "@/lib/warehouses/schema";
import type { SyncRunView } from "@/lib/warehouses/service";

export interface SyncHistory {
  runs: SyncRunView[];
  pending: number;
  missed: number;
  nextSyncAt: string | null;
  enabled: boolean;
}

export interface WarehouseConfig {
  sources: { sourceId: string; sourceName: string; schemaName: string; fixed: boolean }[];
  disabled: { table: string; column?: string }[];
  columns: Record<string, Record<string, Record<string, string>>>;
}

const active = (h: SyncHistory | undefined) =>
  h?.runs.some((r) => r.status === "queued" || r.status === "running") ?? false;

export function useSyncs(destinationId: string) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["warehouse-syncs", ws.slug, destinationId],
    queryFn: () => api<SyncHistory>(ws.api(`/destinations/${destinationId}/syncs`)),
    // A sync is a batch job: its progress is re-read every 2 s while one is queued or running.
    refetchInterval: (q) => (active(q.state.data) ? 2000 : 30_000),
  });
}

export function useSyncNow(destinationId: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api<{ run: SyncRunView; created: boolean }>(ws.api(`/destinations/${destinationId}/syncs`), {
        method: "POST",
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["warehouse-syncs", ws.slug, destinationId] }),
  });
}

export function useWarehouseConfig(destinationId: string) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["warehouse-config", ws.slug, destinationId],
    queryFn: () => api<WarehouseConfig>(ws.api(`/destinations/${destinationId}/warehouse`)),
  });
}

export function useUpdateWarehouseConfig(destinationId: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: WarehouseUpdate) =>
      api<WarehouseConfig>(ws.api(`/destinations/${destinationId}/warehouse`), {
        method: "PATCH",
        body: input,
      }),
    onSuccess: (data) => qc.setQueryData(["warehouse-config", ws.slug, destinationId], data),
  });
}

export function useTestConnection() {
  const ws = useWorkspace();
  return useMutation({
    mutationFn: (input: { type: string; settings: Record<string, unknown>; destinationId?: string }) =>
      api<ConnectionCheck>(ws.api("/destinations/test-connection"), { method: "POST", body: input }),
  });
}
