import { z } from "zod";
import { audit } from "@/lib/audit";
import { getUseCase } from "@/lib/catalog/use-cases";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { compilePlan, MAX_PLAN_BYTES, type PlanRules, planRules } from "@/lib/protocols/plan";
import { invalidateProtocols } from "@/lib/protocols/resolver";
import { sampleValue } from "@/lib/use-cases/sample-values";
import { nameSchema } from "@/lib/validation/names";
import { requireUniqueName } from "@/lib/validation/unique-name";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// Tracking plans: workspace-level, versioned (every change is a new TrackingPlanVersion with who
// made it), audited. A plan is compiled when saved, so a schema Ajv cannot compile is a 422 here,
// never a surprise at ingest. Editing a plan connected to sources needs write access to every one
// of them (a Source Admin limited to "dev" cannot change what "prod" sources enforce).

const name = nameSchema("trackingPlan");

/** 409 when another tracking plan of the workspace has this name (case-insensitive). */
function requireUniquePlanName(workspaceId: string, name: string, exceptId?: string) {
  return requireUniqueName(
    "trackingPlan",
    name,
    () => db.trackingPlan.findMany({ where: { workspaceId }, select: { id: true, name: true } }),
    { exceptId },
  );
}

export const planCreate = z
  .object({
    name,
    description: z.string().max(2000).default(""),
    rules: planRules.optional(),
    /** "goalId/useCaseSlug": start from the use case's suggested events. */
    fromUseCase: z.string().max(200).optional(),
  })
  .strict();

export const planUpdate = z
  .object({
    name: name.optional(),
    description: z.string().max(2000).optional(),
    rules: planRules.optional(),
  })
  .strict();

export const MAX_PLAN_BODY = MAX_PLAN_BYTES + 16 * 1024;

function compiled(rules: PlanRules): string {
  const text = JSON.stringify(rules);
  if (Buffer.byteLength(text) > MAX_PLAN_BYTES)
    throw new AppError("payload_too_large", `A plan's rules are at most ${MAX_PLAN_BYTES / 1024} KB`);
  try {
    compilePlan("check", 0, rules);
  } catch (err) {
    throw new AppError("unprocessable", `Schema does not compile: ${(err as Error).message}`, [
      { path: "rules", message: (err as Error).message },
    ]);
  }
  return text;
}

function jsonSchemaType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value === "number" ? "number" : typeof value;
}

/** A plan's rules from a use case's suggested events: each property typed like its sample value. */
export function rulesFromUseCase(ref: string): PlanRules {
  const [goalId = "", slug = ""] = ref.split("/");
  const useCase = getUseCase(goalId, slug);
  if (!useCase)
    throw new AppError("unprocessable", `Unknown use case "${ref}"`, [
      { path: "fromUseCase", message: "Unknown use case" },
    ]);
  return planRules.parse({
    events: useCase.events.map((e) => ({
      type: "track",
      name: e.event,
      description: `Suggested by the use case "${useCase.name}"`,
      schema: {
        type: "object",
        properties: Object.fromEntries(
          e.properties.map((p) => [p, { type: jsonSchemaType(sampleValue(p)) }]),
        ),
      },
    })),
  });
}

export async function getPlan(access: WorkspaceAccess, id: string) {
  const plan = await db.trackingPlan.findFirst({
    where: { id, workspaceId: access.workspace.id },
    include: { sources: { select: { id: true, name: true, environment: true } } },
  });
  if (!plan) throw notFound("Tracking plan not found");
  return plan;
}

type PlanRow = Awaited<ReturnType<typeof getPlan>>;

export function toPlanView(plan: PlanRow) {
  return {
    id: plan.id,
    name: plan.name,
    description: plan.description,
    version: plan.version,
    rules: planRules.parse(JSON.parse(plan.rules)),
    sources: plan.sources,
    createdAt: plan.createdAt,
    updatedAt: plan.updatedAt,
  };
}

function requireAllSources(access: WorkspaceAccess, plan: PlanRow) {
  for (const s of plan.sources) access.requireLabel("sources.write", s.environment);
}

const summary = (rules: PlanRules) => ({
  events: rules.events.length,
  identify: rules.identify !== null,
  group: rules.group !== null,
});

export async function listPlans(access: WorkspaceAccess) {
  const plans = await db.trackingPlan.findMany({
    where: { workspaceId: access.workspace.id },
    include: { sources: { select: { id: true, name: true, environment: true } } },
    orderBy: { name: "asc" },
  });
  return plans.map((p) => {
    const rules = planRules.parse(JSON.parse(p.rules));
    return {
      id: p.id,
      name: p.name,
      description: p.description,
      version: p.version,
      updatedAt: p.updatedAt,
      sources: p.sources,
      ...summary(rules),
    };
  });
}

export async function createPlan(access: WorkspaceAccess, input: z.infer<typeof planCreate>) {
  const rules =
    input.rules ?? (input.fromUseCase ? rulesFromUseCase(input.fromUseCase) : planRules.parse({}));
  const text = compiled(rules);
  await requireUniquePlanName(access.workspace.id, input.name);
  const plan = await db.trackingPlan.create({
    data: {
      workspaceId: access.workspace.id,
      name: input.name,
      description: input.description,
      rules: text,
      versions: {
        create: {
          version: 1,
          rules: text,
          actorEmail: access.user.email,
          summary: input.fromUseCase ? `Created from use case ${input.fromUseCase}` : "Created",
        },
      },
    },
  });
  await audit(access, {
    action: "tracking_plan.created",
    targetType: "tracking_plan",
    targetId: plan.id,
    targetName: plan.name,
    after: summary(rules),
  });
  return getPlan(access, plan.id);
}

export async function updatePlan(access: WorkspaceAccess, id: string, input: z.infer<typeof planUpdate>) {
  const before = await getPlan(access, id);
  requireAllSources(access, before);
  if (input.name !== undefined) await requireUniquePlanName(access.workspace.id, input.name, before.id);
  const text = input.rules ? compiled(input.rules) : before.rules;
  const changed = text !== before.rules;
  const version = changed ? before.version + 1 : before.version;
  await db.$transaction(async (tx) => {
    // The version moves only when the rules change, guarded against a concurrent edit.
    const updated = await tx.trackingPlan.updateMany({
      where: { id, version: before.version },
      data: { name: input.name, description: input.description, rules: text, version },
    });
    if (updated.count !== 1)
      throw new AppError("conflict", "The plan was changed meanwhile; reload and try again");
    if (changed) {
      const parts: string[] = [];
      const a = summary(planRules.parse(JSON.parse(before.rules)));
      const b = summary(input.rules!);
      if (a.events !== b.events) parts.push(`${a.events} → ${b.events} events`);
      await tx.trackingPlanVersion.create({
        data: {
          planId: id,
          version,
          rules: text,
          actorEmail: access.user.email,
          summary: parts.join(", ") || "Rules edited",
        },
      });
    }
  });
  invalidateProtocols();
  await audit(access, {
    action: "tracking_plan.updated",
    targetType: "tracking_plan",
    targetId: id,
    targetName: input.name ?? before.name,
    before: { name: before.name, version: before.version },
    after: { name: input.name ?? before.name, version },
  });
  return getPlan(access, id);
}

export async function deletePlan(access: WorkspaceAccess, id: string) {
  const plan = await getPlan(access, id);
  requireAllSources(access, plan);
  await db.trackingPlan.delete({ where: { id } });
  invalidateProtocols();
  await audit(access, {
    action: "tracking_plan.deleted",
    targetType: "tracking_plan",
    targetId: id,
    targetName: plan.name,
  });
}

export async function planHistory(access: WorkspaceAccess, id: string) {
  await getPlan(access, id);
  return db.trackingPlanVersion.findMany({
    where: { planId: id },
    orderBy: { version: "desc" },
    take: 100,
    select: { version: true, actorEmail: true, summary: true, createdAt: true, rules: true },
  });
}
