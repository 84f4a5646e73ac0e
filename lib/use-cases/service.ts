import { audit } from "@/lib/audit";
import { getUseCase } from "@/lib/catalog/use-cases";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { loadFacts } from "@/lib/use-cases/facts";
import { computeProgress } from "@/lib/use-cases/progress";
import {
  loadSetupRow,
  requireSetupRow,
  type SetupRow,
  systemAudit,
  toSetupRecord,
  updateSteps,
} from "@/lib/use-cases/record";
import {
  type ChooseInput,
  chooseInput,
  parseSteps,
  type ReviewInput,
  reviewInput,
} from "@/lib/use-cases/schema";
import type { Progress, SetupState } from "@/lib/use-cases/types";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// Guided setup's state machine: choose (goal + use case) -> acknowledge dev/prod -> review
// (locks the use case) -> connect and verify dev -> publish and verify prod -> complete. Choices
// are stored; everything else is derived from real data each time (lib/use-cases/progress.ts).

type Access = Pick<WorkspaceAccess, "user" | "workspace" | "can">;

const nameOfUseCase = (row: Pick<SetupRow, "goalId" | "useCaseSlug">) =>
  getUseCase(row.goalId, row.useCaseSlug)?.name ?? row.useCaseSlug;

export async function setupState(access: Access): Promise<SetupState> {
  const workspaceId = access.workspace.id;
  const [row, sourceCount, destinationCount] = await Promise.all([
    loadSetupRow(workspaceId),
    db.source.count({ where: { workspaceId } }),
    db.destination.count({ where: { workspaceId } }),
  ]);
  const base = { fresh: sourceCount === 0 && destinationCount === 0, canEdit: access.can("setup.write") };
  const useCase = row && getUseCase(row.goalId, row.useCaseSlug);
  if (!row || !useCase) return { ...base, setup: null, progress: null };
  const facts = await loadFacts(workspaceId, toSetupRecord(row), parseSteps(row.steps), useCase);
  const progress = computeProgress(facts);
  const setup = await rememberVerification(row, progress);
  return { ...base, setup: toSetupRecord(setup), progress };
}

/** Verification is reached once and kept; the first viewer to see it records it (once, audited). */
async function rememberVerification(row: SetupRow, progress: Progress): Promise<SetupRow> {
  const now = new Date();
  let changed = false;
  const checks = [
    ["devVerifiedAt", progress.devVerified, "setup.dev_verified", "dev"],
    ["prodVerifiedAt", progress.prodVerified, "setup.prod_verified", "prod"],
  ] as const;
  for (const [column, verified, action, env] of checks) {
    if (!verified || row[column]) continue;
    const { count } = await db.useCaseSetup.updateMany({
      where: { workspaceId: row.workspaceId, [column]: null },
      data: { [column]: now },
    });
    if (count === 0) continue;
    changed = true;
    const events = progress.events.filter((e) => e[env]).map((e) => e.event);
    await systemAudit(row.workspaceId, action, { useCase: nameOfUseCase(row), events });
  }
  return changed ? ((await loadSetupRow(row.workspaceId)) ?? row) : row;
}

/** Picks (or, before the review, re-picks) the workspace's one use case. */
export async function chooseUseCase(access: WorkspaceAccess, raw: ChooseInput) {
  const input = chooseInput.parse(raw);
  const workspaceId = access.workspace.id;
  const existing = await loadSetupRow(workspaceId);
  if (existing?.reviewedAt)
    throw new AppError("conflict", "The use case is locked: its suggested events were already reviewed");
  await db.useCaseSetup.upsert({
    where: { workspaceId },
    create: { workspaceId, goalId: input.goalId, useCaseSlug: input.useCaseSlug },
    update: { goalId: input.goalId, useCaseSlug: input.useCaseSlug, steps: "{}", library: null },
  });
  const useCase = getUseCase(input.goalId, input.useCaseSlug)!;
  await audit(access, {
    action: "setup.use_case_chosen",
    targetType: "use_case_setup",
    targetId: workspaceId,
    targetName: useCase.name,
    before: existing ? { goal: existing.goalId, useCase: nameOfUseCase(existing) } : undefined,
    after: { goal: input.goalId, useCase: useCase.name },
  });
}

export async function acknowledgeEnvironments(access: WorkspaceAccess) {
  const row = await requireSetupRow(access.workspace.id);
  if (parseSteps(row.steps).environmentsAt) return;
  await updateSteps(access.workspace.id, (s) => {
    s.environmentsAt = new Date().toISOString();
  });
  await audit(access, {
    action: "setup.environments_acknowledged",
    targetType: "use_case_setup",
    targetId: access.workspace.id,
    targetName: nameOfUseCase(row),
    after: { dev: "dev", prod: "prod" },
  });
}

export async function reviewEvents(access: WorkspaceAccess, raw: ReviewInput) {
  const input = reviewInput.parse(raw);
  const row = await requireSetupRow(access.workspace.id);
  if (row.reviewedAt) throw new AppError("conflict", "The suggested events were already reviewed");
  const { count } = await db.useCaseSetup.updateMany({
    where: { workspaceId: row.workspaceId, reviewedAt: null },
    data: { reviewedAt: new Date(), library: input.library ?? row.library },
  });
  if (count === 0) throw new AppError("conflict", "The suggested events were already reviewed");
  await audit(access, {
    action: "setup.events_reviewed",
    targetType: "use_case_setup",
    targetId: row.workspaceId,
    targetName: nameOfUseCase(row),
    after: { useCase: nameOfUseCase(row), library: input.library ?? row.library ?? undefined, locked: true },
  });
}

/** "Change use case" starts over; refused once the review has locked the use case. */
export async function changeUseCase(access: WorkspaceAccess) {
  const row = await loadSetupRow(access.workspace.id);
  if (!row) throw new AppError("not_found", "No use case has been chosen yet");
  const { count } = await db.useCaseSetup.deleteMany({
    where: { workspaceId: row.workspaceId, reviewedAt: null },
  });
  if (count === 0)
    throw new AppError("conflict", "The use case is locked: its suggested events were already reviewed");
  await audit(access, {
    action: "setup.use_case_changed",
    targetType: "use_case_setup",
    targetId: row.workspaceId,
    targetName: nameOfUseCase(row),
    before: { goal: row.goalId, useCase: nameOfUseCase(row) },
  });
}

export async function completeSetup(access: WorkspaceAccess) {
  const state = await setupState(access);
  if (!state.setup || !state.progress)
    throw new AppError("conflict", "Choose a business goal and a use case first");
  if (state.setup.completedAt) throw new AppError("conflict", "Guided setup is already complete");
  const { missing } = state.progress;
  if (missing.length) throw new AppError("conflict", `Not ready to complete: ${missing.join("; ")}`);
  await db.useCaseSetup.update({
    where: { workspaceId: access.workspace.id },
    data: { completedAt: new Date() },
  });
  const p = state.progress;
  await audit(access, {
    action: "setup.completed",
    targetType: "use_case_setup",
    targetId: access.workspace.id,
    targetName: getUseCase(state.setup.goalId, state.setup.useCaseSlug)?.name,
    after: {
      prodSources: p.sources.prod.map((s) => s.name),
      prodDestinations: p.destinations.prod.map((d) => d.name),
    },
  });
}
