import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { parseSteps, type StoredSteps } from "@/lib/use-cases/schema";
import type { SetupRecord } from "@/lib/use-cases/types";

// The stored half of guided setup: one UseCaseSetup row per workspace.

export type SetupRow = NonNullable<Awaited<ReturnType<typeof db.useCaseSetup.findUnique>>>;

export function loadSetupRow(workspaceId: string) {
  return db.useCaseSetup.findUnique({ where: { workspaceId } });
}

/** The row, or 409: the step asked for needs a chosen use case. */
export async function requireSetupRow(workspaceId: string): Promise<SetupRow> {
  const row = await loadSetupRow(workspaceId);
  if (!row) throw new AppError("conflict", "Choose a business goal and a use case first");
  return row;
}

/** Steps after the review need the use case locked in. */
export async function requireReviewed(workspaceId: string): Promise<SetupRow> {
  const row = await requireSetupRow(workspaceId);
  if (!row.reviewedAt) throw new AppError("conflict", "Review the suggested events first");
  return row;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toSetupRecord(row: SetupRow): SetupRecord {
  const steps = parseSteps(row.steps);
  return {
    goalId: row.goalId,
    useCaseSlug: row.useCaseSlug,
    library: row.library,
    environmentsAt: steps.environmentsAt ?? null,
    reviewedAt: iso(row.reviewedAt),
    devVerifiedAt: iso(row.devVerifiedAt),
    prodVerifiedAt: iso(row.prodVerifiedAt),
    completedAt: iso(row.completedAt),
    createdAt: row.createdAt.toISOString(),
  };
}

/** Read-modify-write of the steps JSON inside one transaction, so two publishes keep both entries. */
export async function updateSteps(workspaceId: string, change: (steps: StoredSteps) => void) {
  await db.$transaction(async (tx) => {
    const row = await tx.useCaseSetup.findUniqueOrThrow({ where: { workspaceId }, select: { steps: true } });
    const steps = parseSteps(row.steps);
    change(steps);
    await tx.useCaseSetup.update({ where: { workspaceId }, data: { steps: JSON.stringify(steps) } });
  });
}

/** Guided setup marks verification itself; the audit log names the product, not whoever watched. */
export async function systemAudit(workspaceId: string, action: string, after: unknown) {
  await db.auditEvent.create({
    data: {
      workspaceId,
      actorId: null,
      actorEmail: "switchyard (automatic)",
      action,
      targetType: "use_case_setup",
      targetId: workspaceId,
      summary: JSON.stringify({ after }),
    },
  });
}
