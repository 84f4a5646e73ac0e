"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type { DestinationView } from "@/lib/destinations/queries";
import type { SourceView } from "@/lib/sources/queries";
import type { ChooseInput, CopyDestinationInput, CopySourceInput, ReviewInput } from "@/lib/use-cases/schema";
import type { SetupState } from "@/lib/use-cases/types";

// Guided setup's one query, ["setup", slug], kept current by the server's SSE stream (no polling
// here) and replaced by every mutation's answer.

export function useSetup(initial?: SetupState) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["setup", ws.slug],
    queryFn: () => api<SetupState>(ws.api("/setup")),
    initialData: initial,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export type LiveStatus = "connecting" | "live" | "reconnecting";

/** Subscribes to /setup/events while mounted; each "state" event replaces the cached state. */
export function useLiveSetup(): LiveStatus {
  const ws = useWorkspace();
  const qc = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const url = ws.api("/setup/events");
  const slug = ws.slug;
  useEffect(() => {
    const source = new EventSource(url);
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus("reconnecting");
    source.addEventListener("state", (e) => {
      setStatus("live");
      qc.setQueryData(["setup", slug], JSON.parse((e as MessageEvent).data) as SetupState);
    });
    return () => source.close();
  }, [url, slug, qc]);
  return status;
}

function useSetupMutation<I>(path: string) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: I) => api<SetupState>(ws.api(path), { method: "POST", body: input ?? {} }),
    onSuccess: (state) => qc.setQueryData(["setup", ws.slug], state),
  });
}

export const useChooseUseCase = () => useSetupMutation<ChooseInput>("/setup");
export const useAcknowledgeEnvironments = () => useSetupMutation<void>("/setup/environments");
export const useReviewEvents = () => useSetupMutation<ReviewInput>("/setup/review");
export const useChangeUseCase = () => useSetupMutation<void>("/setup/change");
export const useCompleteSetup = () => useSetupMutation<void>("/setup/complete");

export function usePublishSource() {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CopySourceInput) =>
      api<{ source: SourceView; writeKey: string }>(ws.api("/setup/copy-source"), {
        method: "POST",
        body: input,
      }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ["setup", ws.slug] });
      qc.invalidateQueries({ queryKey: ["sources", ws.slug] });
    },
  });
}

export function usePublishDestination() {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CopyDestinationInput) =>
      api<{ destination: DestinationView }>(ws.api("/setup/copy-destination"), {
        method: "POST",
        body: input,
      }).then((r) => r.destination),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ["setup", ws.slug] });
      qc.invalidateQueries({ queryKey: ["destinations", ws.slug] });
      qc.invalidateQueries({ queryKey: ["sources", ws.slug] });
    },
  });
}
