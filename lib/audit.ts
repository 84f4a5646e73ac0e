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

/** Records who did what. Summaries must never contain secrets: callers pass redacted views. */
export async function audit(access: Pick<WorkspaceAccess, "user" | "workspace">, input: AuditInput) {
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
