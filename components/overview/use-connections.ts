"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type { ConnectionsView } from "@/lib/metrics/connections";

/** The Connections overview; refreshes while open, keeping the numbers on screen in between. */
export function useConnections() {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["connections", ws.slug],
    queryFn: () => api<ConnectionsView>(ws.api("/connections")),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  });
}
