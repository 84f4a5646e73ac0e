"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type { AuditEventView } from "@/lib/audit-queries";

const PAGE = 50;

/** The audit log, newest first, a page at a time; `action` filters by prefix ("member."). */
export function useAuditLog(action: string) {
  const ws = useWorkspace();
  return useInfiniteQuery({
    queryKey: ["audit", ws.slug, action],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (pageParam) q.set("cursor", pageParam);
      if (action) q.set("action", action);
      return api<{ events: AuditEventView[]; nextCursor: string | null }>(ws.api(`/audit?${q}`));
    },
    getNextPageParam: (last) => last.nextCursor,
  });
}
