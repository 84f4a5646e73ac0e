"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type { SchemaConfig } from "@/lib/protocols/enforcement";
import type { PlanRules } from "@/lib/protocols/plan";
import type { SchemaItem, ViolationItem } from "@/lib/protocols/queries";

// One hook per Protocols resource; mutations invalidate what they change.

export interface SchemaPage {
  kind: string;
  total: number;
  page: number;
  pageSize: number;
  hasTrackingPlan: boolean;
  canEdit: boolean;
  destinations: { id: string; name: string; type: string; enabled: boolean }[];
  callIntegrationsOff: string[];
  items: (SchemaItem & {
    filter: { id: string; action: string; hits: number } | null;
    integrationsOff: string[];
  })[];
  otherFilters: { id: string; name: string; action: string; hits: number }[];
}

export function useSchema(sourceId: string, params: Record<string, string | number>) {
  const ws = useWorkspace();
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  return useQuery({
    queryKey: ["schema", ws.slug, sourceId, qs],
    queryFn: () => api<SchemaPage>(ws.api(`/sources/${sourceId}/schema?${qs}`)),
    placeholderData: keepPreviousData,
  });
}

export function useSchemaMutations(sourceId: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ["schema", ws.slug, sourceId] });
  return {
    eventFilter: useMutation({
      mutationFn: (body: { kind: string; name: string; enabled: boolean }) =>
        api(ws.api(`/sources/${sourceId}/schema/event-filters`), { method: "PUT", body }),
      onSuccess: done,
    }),
    integration: useMutation({
      mutationFn: (body: { kind: string; name: string; destinationId: string; enabled: boolean }) =>
        api(ws.api(`/sources/${sourceId}/schema/integration-filters`), { method: "PUT", body }),
      onSuccess: done,
    }),
  };
}

export function useViolations(sourceId: string) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["violations", ws.slug, sourceId],
    queryFn: () =>
      api<{ violations: ViolationItem[]; hasTrackingPlan: boolean }>(
        ws.api(`/sources/${sourceId}/violations`),
      ),
  });
}

export interface SourceProtocols {
  trackingPlan: { id: string; name: string; version: number } | null;
  config: SchemaConfig;
}

export function useSourceProtocols(sourceId: string) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["source-protocols", ws.slug, sourceId],
    queryFn: () => api<SourceProtocols>(ws.api(`/sources/${sourceId}/protocols`)),
  });
}

export function useUpdateSourceProtocols(sourceId: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { trackingPlanId?: string | null; config?: SchemaConfig }) =>
      api<SourceProtocols>(ws.api(`/sources/${sourceId}/protocols`), { method: "PATCH", body }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ["source-protocols", ws.slug, sourceId] });
      qc.invalidateQueries({ queryKey: ["schema", ws.slug, sourceId] });
      qc.invalidateQueries({ queryKey: ["plans", ws.slug] });
    },
  });
}

export interface PlanSummary {
  id: string;
  name: string;
  description: string;
  version: number;
  updatedAt: string;
  events: number;
  identify: boolean;
  group: boolean;
  sources: { id: string; name: string; environment: string }[];
}

export interface PlanView {
  id: string;
  name: string;
  description: string;
  version: number;
  rules: PlanRules;
  sources: { id: string; name: string; environment: string }[];
}

export function usePlans() {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["plans", ws.slug],
    queryFn: () => api<{ plans: PlanSummary[] }>(ws.api("/tracking-plans")).then((r) => r.plans),
  });
}

export function usePlan(id: string) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["plans", ws.slug, id],
    queryFn: () =>
      api<{
        plan: PlanView;
        history: { version: number; actorEmail: string; summary: string; createdAt: string }[];
      }>(ws.api(`/tracking-plans/${id}`)),
  });
}

export function usePlanMutations() {
  const ws = useWorkspace();
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ["plans", ws.slug] });
  return {
    create: useMutation({
      mutationFn: (body: { name: string; description?: string; rules?: unknown; fromUseCase?: string }) =>
        api<{ plan: PlanView }>(ws.api("/tracking-plans"), { method: "POST", body }),
      onSuccess: done,
    }),
    update: useMutation({
      mutationFn: ({ id, ...body }: { id: string; name?: string; description?: string; rules?: unknown }) =>
        api<{ plan: PlanView }>(ws.api(`/tracking-plans/${id}`), { method: "PATCH", body }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api(ws.api(`/tracking-plans/${id}`), { method: "DELETE" }),
      onSuccess: done,
    }),
  };
}

/**
 * The workspace's sources as choices (forward blocked messages to...). Its own query key: sharing
 * ["sources", ws] would refresh the Sources list's cached counts at odd times and let a stale
 * copy stand in for a fresh one when the list is opened.
 */
export function useSourceOptions() {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["source-options", ws.slug],
    queryFn: () =>
      api<{ sources: { id: string; name: string }[] }>(ws.api("/sources")).then((r) =>
        r.sources.map((s) => ({ id: s.id, name: s.name })),
      ),
  });
}
