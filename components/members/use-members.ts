"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type { MemberUpdate, MemberView } from "@/lib/members/schema";

export function useMembers() {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["members", ws.slug],
    queryFn: () => api<{ members: MemberView[] }>(ws.api("/members")).then((r) => r.members),
  });
}

function useInvalidate() {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ["members", ws.slug] }),
      qc.invalidateQueries({ queryKey: ["audit", ws.slug] }),
    ]);
}

export function useUpdateMember() {
  const ws = useWorkspace();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...input }: MemberUpdate & { id: string }) =>
      api<{ member: MemberView }>(ws.api(`/members/${id}`), { method: "PATCH", body: input }).then(
        (r) => r.member,
      ),
    onSuccess: invalidate,
  });
}

export function useRemoveMember() {
  const ws = useWorkspace();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) =>
      api<{ deleted: true; left: boolean }>(ws.api(`/members/${id}`), { method: "DELETE" }),
    onSuccess: invalidate,
  });
}
