import { getDestinationType, maskSettings } from "@/lib/catalog";
import { db } from "@/lib/db";
import type { Maybe } from "@/lib/db/off-loop";
import { sqlite } from "@/lib/db/sqlite";
import { perform, type Work } from "@/lib/db/work";
import { controlsOf } from "@/lib/delivery/control";
import { type CurrentHealth, currentHealth, HEALTHY } from "@/lib/delivery/health";
import { notFound } from "@/lib/errors";
import type { DeliveryControlView } from "@/lib/metrics/types";
import { allInScope } from "@/lib/rbac/scope";
import { warehouseHealth } from "@/lib/warehouses/health";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// Reading destinations for the console. The browser gets public settings plus SECRET_MASK for
// each secret that is set; never a secret value, never the cipher (omitted by lib/db.ts).

export const destinationInclude = {
  sources: {
    select: { source: { select: { id: true, name: true, environment: true } } },
    orderBy: { createdAt: "asc" },
  },
  _count: { select: { filters: true } },
} as const;

export type DestinationRow = NonNullable<Awaited<ReturnType<typeof findDestination>>>;

export interface ConnectedSource {
  id: string;
  name: string;
  environment: string;
}

export interface DestinationView {
  id: string;
  name: string;
  type: string;
  typeName: string;
  category: string;
  enabled: boolean;
  sources: ConnectedSource[];
  filterCount: number;
  createdAt: string;
  updatedAt: string;
  /** Whether the viewer may change it: role, and every connected source in the viewer's label scope. */
  canEdit: boolean;
  /** Delivery health (healthy / degraded / failing), never acted on automatically. */
  health: CurrentHealth;
  /** Only on the list: paused, and the circuit breaker's state (lib/delivery/control.ts). */
  control?: DeliveryControlView;
  /** Only on the single-destination answer: masked settings (see maskSettings). */
  settings?: Record<string, unknown>;
}

function findDestination(workspaceId: string, id: string) {
  return db.destination.findFirst({ where: { id, workspaceId }, include: destinationInclude });
}

export const connectedSources = (row: Pick<DestinationRow, "sources">): ConnectedSource[] =>
  row.sources.map((s) => s.source);

/**
 * Whether a label-scoped admin's labels cover the destination: every connected source is in scope.
 * A destination connected to no source is fed by no label, so it belongs to nobody's scope: only
 * owners and unscoped admins (labels null) may change it.
 */
export function destinationInScope(access: WorkspaceAccess, row: Pick<DestinationRow, "sources">) {
  if (access.labels !== null && row.sources.length === 0) return false;
  return allInScope(
    access.labels,
    row.sources.map((s) => s.source.environment),
  );
}

function* healthOf(workspaceId: string): Work<Map<string, CurrentHealth>> {
  return new Map([...(yield* currentHealth(workspaceId)), ...(yield* warehouseHealth(workspaceId))]);
}

/** Delivery health, and for warehouses the health of their syncs (off the event loop on PostgreSQL). */
export function destinationHealth(workspaceId: string): Maybe<Map<string, CurrentHealth>> {
  return perform(sqlite(), healthOf(workspaceId));
}

export function toDestinationView(
  row: DestinationRow,
  access: WorkspaceAccess,
  health: Map<string, CurrentHealth>,
): DestinationView {
  const type = getDestinationType(row.type);
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    typeName: type?.name ?? row.type,
    category: type?.category ?? "Unknown",
    enabled: row.enabled,
    sources: connectedSources(row),
    filterCount: row._count.filters,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    canEdit: access.can("destinations.write") && destinationInScope(access, row),
    health: health.get(row.id) ?? HEALTHY,
  };
}

/** The view with masked settings. `secretKeys` names the secrets stored in the cipher. */
export async function toDestinationDetail(
  row: DestinationRow,
  access: WorkspaceAccess,
  secretKeys: Iterable<string>,
): Promise<DestinationView> {
  const view = toDestinationView(row, access, await destinationHealth(access.workspace.id));
  const settings = getDestinationType(row.type)
    ? maskSettings(row.type, parseJsonObject(row.settings), new Set(secretKeys))
    : {};
  return { ...view, settings };
}

export async function listDestinations(access: WorkspaceAccess) {
  const rows = await db.destination.findMany({
    where: { workspaceId: access.workspace.id },
    include: destinationInclude,
    orderBy: { name: "asc" },
  });
  const [health, controls] = await Promise.all([
    destinationHealth(access.workspace.id),
    perform(sqlite(), controlsOf(access.workspace.id)),
  ]);
  return rows.map((r) => {
    const view = toDestinationView(r, access, health);
    const control = controls.get(r.id);
    return control ? { ...view, control } : view;
  });
}

/** A destination of this workspace, or 404 (also for ids that exist in another workspace). */
export async function getDestination(access: WorkspaceAccess, id: string): Promise<DestinationRow> {
  const row = await findDestination(access.workspace.id, id);
  if (!row) throw notFound("Destination not found");
  return row;
}

export function parseJsonObject(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  const value = JSON.parse(text) as unknown;
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
