import { db } from "@/lib/db";
import { sqlite } from "@/lib/db/sqlite";
import { notFound } from "@/lib/errors";
import { acceptedPerSourceSince } from "@/lib/ingest/sqlite-store";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

export type SourceRow = Awaited<ReturnType<typeof db.source.findFirstOrThrow>>;

export interface SourceView {
  id: string;
  name: string;
  slug: string;
  type: string;
  environment: string;
  websiteUrl: string | null;
  enabled: boolean;
  writeKeyHint: string;
  destinationCount: number;
  createdAt: string;
  updatedAt: string;
  /** Whether the viewer may edit this source (role and label scope). */
  canEdit: boolean;
  /** Accepted events received in the last 24 hours (only in the list answer). */
  events24h?: number;
}

export function toSourceView(
  s: SourceRow & { _count?: { destinations: number } },
  access: WorkspaceAccess,
): SourceView {
  return {
    id: s.id,
    name: s.name,
    slug: s.slug,
    type: s.type,
    environment: s.environment,
    websiteUrl: s.websiteUrl,
    enabled: s.enabled,
    writeKeyHint: s.writeKeyHint,
    destinationCount: s._count?.destinations ?? 0,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    canEdit: access.can("sources.write") && access.inScope(s.environment),
  };
}

export async function listSources(access: WorkspaceAccess, environment?: string) {
  const rows = await db.source.findMany({
    where: { workspaceId: access.workspace.id, ...(environment ? { environment } : {}) },
    include: { _count: { select: { destinations: true } } },
    orderBy: [{ environment: "asc" }, { name: "asc" }],
  });
  const counts = await eventsLast24h(access.workspace.id);
  return rows.map((r) => ({ ...toSourceView(r, access), events24h: counts.get(r.id) ?? 0 }));
}

/** One GROUP BY over the last 24 hours of the archive for the whole list (not one query per source). */
async function eventsLast24h(workspaceId: string): Promise<Map<string, number>> {
  return acceptedPerSourceSince(sqlite(), workspaceId, Date.now() - 86_400_000);
}

/** A source of this workspace, or 404 (also for ids that exist in another workspace). */
export async function getSource(access: WorkspaceAccess, id: string) {
  const row = await db.source.findFirst({
    where: { id, workspaceId: access.workspace.id },
    include: { _count: { select: { destinations: true } } },
  });
  if (!row) throw notFound("Source not found");
  return row;
}
