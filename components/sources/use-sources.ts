"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type { SourceView } from "@/lib/sources/queries";
import type { SourceInput, SourceUpdate } from "@/lib/sources/schema";

export function useSources() {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["sources", ws.slug],
    queryFn: () => api<{ sources: SourceView[] }>(ws.api("/sources")).then((r) => r.sources),
  });
}

export function useSource(id: string) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["sources", ws.slug, id],
    queryFn: () => api<{ source: SourceView }>(ws.api(`/sources/${id}`)).then((r) => r.source),
  });
}

export function useCreateSource() {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: SourceInput) =>
      api<{ source: SourceView; writeKey: string }>(ws.api("/sources"), { method: "POST", body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sources", ws.slug] }),
  });
}

export function useUpdateSource(id: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: SourceUpdate) =>
      api<{ source: SourceView }>(ws.api(`/sources/${id}`), { method: "PATCH", body: input }).then(
        (r) => r.source,
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sources", ws.slug] }),
  });
}

export function useDeleteSource(id: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api(ws.api(`/sources/${id}`), { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sources", ws.slug] }),
  });
}

export function useWriteKey(id: string, enabled: boolean) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["write-key", ws.slug, id],
    queryFn: () => api<{ writeKey: string }>(ws.api(`/sources/${id}/write-key`)).then((r) => r.writeKey),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useRegenerateWriteKey(id: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api<{ writeKey: string }>(ws.api(`/sources/${id}/write-key`), { method: "POST" }).then(
        (r) => r.writeKey,
      ),
    onSuccess: (key) => {
      qc.setQueryData(["write-key", ws.slug, id], key);
      qc.invalidateQueries({ queryKey: ["sources", ws.slug] });
    },
  });
}
