"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type { functionDetail } from "@/lib/functions/instances";
import type { recentRuns, sampleEvents } from "@/lib/functions/queries";
import type { functionCreate, functionUpdate, instanceCreate, testRun } from "@/lib/functions/schema";
import type { listFunctions, present } from "@/lib/functions/service";

export type FunctionSummary = Awaited<ReturnType<typeof listFunctions>>[number];
export type FunctionDetail = Awaited<ReturnType<typeof functionDetail>>;
export type FunctionRun = Awaited<ReturnType<typeof recentRuns>>[number];
export type SampleEvent = Awaited<ReturnType<typeof sampleEvents>>[number];
export type TestResult = ReturnType<typeof present> & { handlers: string[] };

export function useFunctions() {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["functions", ws.slug],
    queryFn: () => api<{ functions: FunctionSummary[] }>(ws.api("/functions")).then((r) => r.functions),
  });
}

export function useFunction(id: string) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["functions", ws.slug, id],
    queryFn: () => api<{ function: FunctionDetail }>(ws.api(`/functions/${id}`)).then((r) => r.function),
  });
}

/** After anything that changes a function: its detail and the list. */
function useRefresh(id?: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return (detail?: FunctionDetail) => {
    if (id && detail) qc.setQueryData(["functions", ws.slug, id], detail);
    qc.invalidateQueries({ queryKey: ["functions", ws.slug] });
  };
}

export function useCreateFunction() {
  const ws = useWorkspace();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (input: z.input<typeof functionCreate>) =>
      api<{ function: FunctionDetail }>(ws.api("/functions"), { method: "POST", body: input }).then(
        (r) => r.function,
      ),
    onSuccess: () => refresh(),
  });
}

export function useUpdateFunction(id: string) {
  const ws = useWorkspace();
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: (input: z.input<typeof functionUpdate>) =>
      api<{ function: FunctionDetail }>(ws.api(`/functions/${id}`), { method: "PATCH", body: input }).then(
        (r) => r.function,
      ),
    onSuccess: (detail) => refresh(detail),
  });
}

export function useDeleteFunction(id: string) {
  const ws = useWorkspace();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: () => api(ws.api(`/functions/${id}`), { method: "DELETE" }),
    onSuccess: () => refresh(),
  });
}

export function useDeployFunction(id: string) {
  const ws = useWorkspace();
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: () =>
      api<{ version: number; function: FunctionDetail }>(ws.api(`/functions/${id}/deploy`), {
        method: "POST",
      }),
    onSuccess: (r) => refresh(r.function),
  });
}

export function useTestFunction(id: string) {
  const ws = useWorkspace();
  return useMutation({
    mutationFn: (input: z.input<typeof testRun>) =>
      api<{ result: TestResult }>(ws.api(`/functions/${id}/test`), { method: "POST", body: input }).then(
        (r) => r.result,
      ),
  });
}

export function useCreateInstance(id: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: z.input<typeof instanceCreate>) =>
      api<{
        instance: { instanceId: string; webhookUrl?: string; sourceId?: string; destinationId?: string };
      }>(ws.api(`/functions/${id}/instances`), { method: "POST", body: input }).then((r) => r.instance),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ["functions", ws.slug] });
      qc.invalidateQueries({ queryKey: ["sources", ws.slug] });
      qc.invalidateQueries({ queryKey: ["destinations", ws.slug] });
    },
  });
}

export function useUpdateInstance(id: string, instanceId: string) {
  const ws = useWorkspace();
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: (settings: Record<string, unknown>) =>
      api<{ function: FunctionDetail }>(ws.api(`/functions/${id}/instances/${instanceId}`), {
        method: "PATCH",
        body: { settings },
      }).then((r) => r.function),
    onSuccess: (detail) => refresh(detail),
  });
}

export function useDeleteInstance(id: string, instanceId: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api(ws.api(`/functions/${id}/instances/${instanceId}`), { method: "DELETE" }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ["functions", ws.slug] });
      qc.invalidateQueries({ queryKey: ["sources", ws.slug] });
      qc.invalidateQueries({ queryKey: ["destinations", ws.slug] });
    },
  });
}

export function webhookUrlApi(ws: ReturnType<typeof useWorkspace>, id: string, instanceId: string) {
  const url = ws.api(`/functions/${id}/instances/${instanceId}/webhook-url`);
  return {
    reveal: () => api<{ webhookUrl: string }>(url).then((r) => r.webhookUrl),
    regenerate: () => api<{ webhookUrl: string }>(url, { method: "POST" }).then((r) => r.webhookUrl),
  };
}

export function useFunctionRuns(id: string) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["functions", ws.slug, id, "runs"],
    queryFn: () => api<{ runs: FunctionRun[] }>(ws.api(`/functions/${id}/runs`)).then((r) => r.runs),
    refetchInterval: 10_000,
  });
}

export function useSampleEvents(sourceId: string | null) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["functions", ws.slug, "samples", sourceId],
    enabled: sourceId !== null,
    queryFn: () =>
      api<{ events: SampleEvent[] }>(ws.api(`/functions/samples?sourceId=${sourceId}`)).then((r) => r.events),
  });
}
