import { z } from "zod";
import { audit } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { schemaConfig } from "@/lib/protocols/enforcement";
import { invalidateProtocols } from "@/lib/protocols/resolver";
import { getSource } from "@/lib/sources/queries";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// A source's Protocols settings: its tracking plan with the Schema Configuration, its schema
// event filters (block an event, omit a trait) and its schema integration filters (an event ×
// a connected destination). Every change is checked against the editor's labels and audited.

export const protocolsUpdate = z
  .object({ trackingPlanId: z.string().max(100).nullable().optional(), config: schemaConfig.optional() })
  .strict();

export const eventFilterToggle = z
  .object({
    kind: z.enum(["track", "page", "screen", "identify", "group"]),
    name: z.string().min(1, "Name is required").max(200),
    /** true: block the event (track/page/screen) or omit the trait (identify/group). */
    enabled: z.boolean(),
  })
  .strict();

export const integrationToggle = z
  .object({
    kind: z.enum(["track", "identify", "group"]),
    /** The track event name; "" for identify and group (the whole call type). */
    name: z.string().max(200),
    destinationId: z.string().min(1).max(100),
    /** false switches the destination off for this event. */
    enabled: z.boolean(),
  })
  .strict()
  .refine((t) => (t.kind === "track") === (t.name !== ""), {
    message: 'Track events need a name; identify and group filters apply to the whole call type (name "")',
    path: ["name"],
  });

async function writableSource(access: WorkspaceAccess, sourceId: string) {
  const source = await getSource(access, sourceId);
  access.requireLabel("sources.write", source.environment);
  return source;
}

export async function getProtocols(access: WorkspaceAccess, sourceId: string) {
  const source = await getSource(access, sourceId);
  const plan = source.trackingPlanId
    ? await db.trackingPlan.findFirst({
        where: { id: source.trackingPlanId, workspaceId: access.workspace.id },
        select: { id: true, name: true, version: true },
      })
    : null;
  return { trackingPlan: plan, config: schemaConfig.parse(JSON.parse(source.schemaConfig || "{}")) };
}

export async function updateProtocols(
  access: WorkspaceAccess,
  sourceId: string,
  input: z.infer<typeof protocolsUpdate>,
) {
  const source = await writableSource(access, sourceId);
  const before = await getProtocols(access, sourceId);
  if (input.trackingPlanId) {
    const plan = await db.trackingPlan.findFirst({
      where: { id: input.trackingPlanId, workspaceId: access.workspace.id },
    });
    if (!plan)
      throw new AppError("unprocessable", "Tracking plan not found", [
        { path: "trackingPlanId", message: "Not a plan of this workspace" },
      ]);
  }
  const target = input.config?.forwardBlockedTo;
  if (target) {
    if (target === source.id)
      throw new AppError("unprocessable", "Blocked messages cannot be forwarded to the same source", [
        { path: "config.forwardBlockedTo", message: "Choose another source" },
      ]);
    const other = await db.source.findFirst({ where: { id: target, workspaceId: access.workspace.id } });
    if (!other)
      throw new AppError("unprocessable", "Source to forward to not found", [
        { path: "config.forwardBlockedTo", message: "Not a source of this workspace" },
      ]);
    access.requireLabel("sources.write", other.environment);
  }
  await db.source.update({
    where: { id: source.id },
    data: {
      ...(input.trackingPlanId !== undefined ? { trackingPlanId: input.trackingPlanId } : {}),
      ...(input.config ? { schemaConfig: JSON.stringify(input.config) } : {}),
    },
  });
  invalidateProtocols();
  const after = await getProtocols(access, sourceId);
  await audit(access, {
    action: "source.protocols_updated",
    targetType: "source",
    targetId: source.id,
    targetName: source.name,
    before: { trackingPlanId: before.trackingPlan?.id ?? null, config: before.config },
    after: { trackingPlanId: after.trackingPlan?.id ?? null, config: after.config },
  });
  return after;
}

export async function listSchemaFilters(sourceId: string) {
  const [events, integrations] = await Promise.all([
    db.schemaEventFilter.findMany({
      where: { sourceId },
      select: { id: true, kind: true, name: true, action: true, hits: true },
    }),
    db.schemaIntegrationFilter.findMany({
      where: { sourceId },
      select: { kind: true, name: true, destinationId: true },
    }),
  ]);
  return { events, integrations };
}

export async function toggleEventFilter(
  access: WorkspaceAccess,
  sourceId: string,
  input: z.infer<typeof eventFilterToggle>,
) {
  const source = await writableSource(access, sourceId);
  if (source.trackingPlanId)
    throw new AppError(
      "conflict",
      "Schema event filters are unavailable while a tracking plan is connected; use the plan's enforcement instead",
    );
  const action = input.kind === "identify" || input.kind === "group" ? "omit" : "block";
  const key = { sourceId_kind_name: { sourceId: source.id, kind: input.kind, name: input.name } };
  if (input.enabled) {
    await db.schemaEventFilter.upsert({
      where: key,
      create: {
        workspaceId: access.workspace.id,
        sourceId: source.id,
        kind: input.kind,
        name: input.name,
        action,
      },
      update: {},
    });
  } else {
    await db.schemaEventFilter.deleteMany({
      where: { sourceId: source.id, kind: input.kind, name: input.name },
    });
  }
  invalidateProtocols();
  await audit(access, {
    action: input.enabled
      ? `schema.${action === "block" ? "event_blocked" : "trait_omitted"}`
      : `schema.${action === "block" ? "event_unblocked" : "trait_restored"}`,
    targetType: "source",
    targetId: source.id,
    targetName: source.name,
    after: { kind: input.kind, name: input.name, enabled: input.enabled },
  });
  return listSchemaFilters(source.id);
}

export async function toggleIntegration(
  access: WorkspaceAccess,
  sourceId: string,
  input: z.infer<typeof integrationToggle>,
) {
  const source = await writableSource(access, sourceId);
  const link = await db.destinationSource.findFirst({
    where: {
      sourceId: source.id,
      destinationId: input.destinationId,
      destination: { workspaceId: access.workspace.id },
    },
    include: { destination: { select: { name: true } } },
  });
  if (!link) throw notFound("Destination not connected to this source");
  const where = {
    sourceId: source.id,
    kind: input.kind,
    name: input.name,
    destinationId: input.destinationId,
  };
  if (input.enabled) await db.schemaIntegrationFilter.deleteMany({ where });
  else
    await db.schemaIntegrationFilter.upsert({
      where: { sourceId_kind_name_destinationId: where },
      create: { ...where, workspaceId: access.workspace.id },
      update: {},
    });
  await audit(access, {
    action: "schema.integration_filter_updated",
    targetType: "source",
    targetId: source.id,
    targetName: source.name,
    after: { kind: input.kind, name: input.name, destination: link.destination.name, enabled: input.enabled },
  });
  return listSchemaFilters(source.id);
}
