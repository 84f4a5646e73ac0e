"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type { FilterView } from "@/lib/destinations/filters";

// Filters of one destination. Mutations also refresh the destinations list (it shows filter counts).

/** What the editor posts; the API validates it (lib/filters/schema.ts) and answers with field paths. */
export interface FilterBody {
  name: string;
  condition: string;
  action: string;
  config: Record<string, unknown>;
  enabled: boolean;
}

function useFiltersApi(destinationId: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  const key = ["filters", ws.slug, destinationId];
  return {
    key,
    url: (path = "") => ws.api(`/destinations/${destinationId}/filters${path}`),
    refresh: () => {
      qc.invalidateQueries({ queryKey: key });
      qc.invalidateQueries({ queryKey: ["destinations", ws.slug] });
    },
    qc,
  };
}

export function useFilters(destinationId: string) {
  const f = useFiltersApi(destinationId);
  return useQuery({
    queryKey: f.key,
    queryFn: () => api<{ filters: FilterView[] }>(f.url()).then((r) => r.filters),
  });
}

export function useCreateFilter(destinationId: string) {
  const f = useFiltersApi(destinationId);
  return useMutation({
    mutationFn: (input: FilterBody) =>
      api<{ filter: FilterView }>(f.url(), { method: "POST", body: input }).then((r) => r.filter),
    onSuccess: f.refresh,
  });
}

export function useUpdateFilter(destinationId: string) {
  const f = useFiltersApi(destinationId);
  return useMutation({
    mutationFn: ({ id, ...input }: Partial<FilterBody> & { id: string }) =>
      api<{ filter: FilterView }>(f.url(`/${id}`), { method: "PATCH", body: input }).then((r) => r.filter),
    onSuccess: f.refresh,
  });
}

export function useDeleteFilter(destinationId: string) {
  const f = useFiltersApi(destinationId);
  return useMutation({
    mutationFn: (id: string) => api(f.url(`/${id}`), { method: "DELETE" }),
    onSuccess: f.refresh,
  });
}

export function useReorderFilters(destinationId: string) {
  const f = useFiltersApi(destinationId);
  return useMutation({
    mutationFn: (ids: string[]) =>
      api<{ filters: FilterView[] }>(f.url("/order"), { method: "PUT", body: { ids } }).then(
        (r) => r.filters,
      ),
    // Show the new order at once; the server's answer (or a refetch after an error) settles it.
    onMutate: (ids) => {
      const previous = f.qc.getQueryData<FilterView[]>(f.key);
      if (previous) {
        const byId = new Map(previous.map((x) => [x.id, x]));
        const next = ids.flatMap((id, position) => (byId.has(id) ? [{ ...byId.get(id)!, position }] : []));
        f.qc.setQueryData(f.key, next);
      }
    },
    onSuccess: (filters) => f.qc.setQueryData(f.key, filters),
    onError: f.refresh,
  });
}
