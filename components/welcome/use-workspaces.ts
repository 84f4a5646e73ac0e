"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api/client";

export interface WorkspaceSummary {
  id: string;
  name: string;
  slug: string;
}

export function useCreateWorkspace() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string }) =>
      api<{ workspace: WorkspaceSummary }>("/api/workspaces", { method: "POST", body: input }).then(
        (r) => r.workspace,
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["workspaces"] }),
  });
}
