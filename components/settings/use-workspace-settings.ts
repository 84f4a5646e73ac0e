"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";

export interface WorkspaceDetails {
  id: string;
  name: string;
  slug: string;
}

/** PATCH the workspace. The page reads name and slug from the layout, so success refreshes the route. */
export function useUpdateWorkspace() {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name?: string; slug?: string }) =>
      api<{ workspace: WorkspaceDetails }>(ws.api(""), { method: "PATCH", body: input }).then(
        (r) => r.workspace,
      ),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ["workspaces"] });
      qc.invalidateQueries({ queryKey: ["audit", ws.slug] });
    },
  });
}
