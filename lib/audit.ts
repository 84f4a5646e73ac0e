import { db } from "@/lib/db";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

export interface AuditInput {
  action: string;
  targetType: string;
  targetId?: string;
  targetName?: string;
  before?: unknown;
  after?: unknown;
}

/** JSON with object keys sorted, so two snapshots compare equal whatever order they were built in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * Records who did what. Summaries must never contain secrets: callers pass redacted views. An
 * update whose before and after are the same changed nothing and is not recorded.
 */
export async function audit(access: Pick<WorkspaceAccess, "user" | "workspace">, input: AuditInput) {
  if (
    input.before !== undefined &&
    input.after !== undefined &&
    canonical(input.before) === canonical(input.after)
  )
    return;
  await db.auditEvent.create({
    data: {
      workspaceId: access.workspace.id,
      actorId: access.user.id,
      actorEmail: access.user.email,
      action: input.action,
      targetType: input.targetType,
      targetId: input.targetId,
      targetName: input.targetName,
      summary: JSON.stringify({ before: input.before, after: input.after }),
    },
  });
}
