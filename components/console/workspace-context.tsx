"use client";

import { createContext, type ReactNode, useContext } from "react";
import type { Action, Role } from "@/lib/rbac/permissions";

export interface WorkspaceInfo {
  id: string;
  slug: string;
  name: string;
  role: Role;
  actions: Action[];
  labels: string[] | null;
  user: { id: string; email: string; name: string };
  publicUrl: string;
}

const Ctx = createContext<WorkspaceInfo | null>(null);

export function WorkspaceProvider({ value, children }: { value: WorkspaceInfo; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useWorkspace() {
  const value = useContext(Ctx);
  if (!value) throw new Error("useWorkspace outside a workspace page");
  return {
    ...value,
    can: (action: Action) => value.actions.includes(action),
    inScope: (label: string) => value.labels === null || value.labels.includes(label),
    api: (path: string) => `/api/workspaces/${value.slug}${path}`,
  };
}
