"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type { InvitationHistoryView, InvitationInput, InvitationView } from "@/lib/invitations/schema";

export function useInvitations(enabled = true) {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["invitations", ws.slug],
    queryFn: () =>
      api<{ invitations: InvitationView[]; history: InvitationHistoryView[] }>(ws.api("/invitations")),
    enabled,
  });
}

function useInvalidate() {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ["invitations", ws.slug] }),
      qc.invalidateQueries({ queryKey: ["audit", ws.slug] }),
    ]);
}

export function useCreateInvitation() {
  const ws = useWorkspace();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: InvitationInput) =>
      api<{ invitation: InvitationView; link: string }>(ws.api("/invitations"), {
        method: "POST",
        body: input,
      }),
    onSuccess: invalidate,
  });
}

export function useRevokeInvitation() {
  const ws = useWorkspace();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => api(ws.api(`/invitations/${id}`), { method: "DELETE" }),
    onSuccess: invalidate,
  });
}
