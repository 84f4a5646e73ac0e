"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type { DestinationView } from "@/lib/destinations/queries";
import type { DestinationInput, DestinationUpdate } from "@/lib/destinations/schema";

/** What a save answers: the destination, and anything worth saying that did not stop the save. */
export interface DestinationSaved {
  destination: DestinationView;
  /** E.g. the endpoint's host name did not resolve (the SSRF check could not judge it yet). */
  warnings: { path: string; message: string }[];
}

export function useDestinations() {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["destinations", ws.slug],
    queryFn: () =>
      api<{ destinations: DestinationView[] }>(ws.api("/destinations")).then((r) => r.destinations),
  });
}

export function useDestination(id: string) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["destinations", ws.slug, id],
    queryFn: () =>
      api<{ destination: DestinationView }>(ws.api(`/destinations/${id}`)).then((r) => r.destination),
  });
}

export function useCreateDestination() {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: DestinationInput) =>
      api<DestinationSaved>(ws.api("/destinations"), { method: "POST", body: input }),
    onSuccess: ({ destination, warnings }) => {
      // The settings tab the user lands on shows them (useSaveWarnings).
      qc.setQueryData(["destination-warnings", ws.slug, destination.id], warnings ?? []);
      qc.invalidateQueries({ queryKey: ["destinations", ws.slug] });
      // Sources show how many destinations they feed.
      qc.invalidateQueries({ queryKey: ["sources", ws.slug] });
    },
  });
}

export function useUpdateDestination(id: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: DestinationUpdate) =>
      api<DestinationSaved>(ws.api(`/destinations/${id}`), { method: "PATCH", body: input }),
    onSuccess: ({ destination, warnings }, input) => {
      qc.setQueryData(["destinations", ws.slug, id], destination);
      if (input.settings) qc.setQueryData(["destination-warnings", ws.slug, id], warnings ?? []);
      qc.invalidateQueries({ queryKey: ["destinations", ws.slug] });
      if (input.sourceIds) qc.invalidateQueries({ queryKey: ["sources", ws.slug] });
    },
  });
}

export function useDeleteDestination(id: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api(ws.api(`/destinations/${id}`), { method: "DELETE" }),
    onSuccess: () => {
      qc.removeQueries({ queryKey: ["destinations", ws.slug, id] });
      qc.invalidateQueries({ queryKey: ["destinations", ws.slug] });
      qc.invalidateQueries({ queryKey: ["sources", ws.slug] });
    },
  });
}

/** Warnings of the last save of this destination in this browser session (not stored anywhere). */
export function useSaveWarnings(id: string): DestinationSaved["warnings"] {
  const ws = useWorkspace();
  const { data } = useQuery<DestinationSaved["warnings"]>({
    queryKey: ["destination-warnings", ws.slug, id],
    queryFn: () => [],
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  });
  return data ?? [];
}
