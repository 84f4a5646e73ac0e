import {
  getDestinationType,
  joinSettings,
  mergeSettingsUpdate,
  splitSecrets,
  validateSettings,
} from "@/lib/catalog";
import { open, seal } from "@/lib/crypto/secrets";
import { db } from "@/lib/db";
import {
  type DestinationRow,
  destinationInScope,
  getDestination,
  parseJsonObject,
  toDestinationDetail,
} from "@/lib/destinations/queries";
import { auditChange, auditCreated, type DestinationState } from "@/lib/destinations/redact";
import {
  type DestinationChange,
  type DestinationCreate,
  settingsFieldErrors,
} from "@/lib/destinations/schema";
import { env } from "@/lib/env";
import { AppError, conflict, forbidden } from "@/lib/errors";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// Destinations and their credentials. Secret settings (as the catalog marks them) are sealed
// together into secretsCipher; only the delivery engine reads them back (loadDestinationSettings).

type Settings = Record<string, unknown>;

function sealSecrets(secrets: Settings): string | null {
  return Object.keys(secrets).length ? seal(JSON.stringify(secrets), env().ENCRYPTION_KEY) : null;
}

function openSecrets(cipher: string | null): Settings {
  return cipher ? parseJsonObject(open(cipher, env().ENCRYPTION_KEY)) : {};
}

async function readSecrets(id: string): Promise<Settings> {
  const row = await db.destination.findUniqueOrThrow({ where: { id }, omit: { secretsCipher: false } });
  return openSecrets(row.secretsCipher);
}

/** The full settings (public + decrypted secrets) deliveries use. Never send this to a browser. */
export async function loadDestinationSettings(id: string): Promise<Settings> {
  const row = await db.destination.findUniqueOrThrow({ where: { id }, omit: { secretsCipher: false } });
  return joinSettings(parseJsonObject(row.settings), openSecrets(row.secretsCipher));
}

/** Throws 403 unless every source the destination is connected to is in the actor's label scope. */
export function requireDestinationScope(access: WorkspaceAccess, row: Pick<DestinationRow, "sources">) {
  if (destinationInScope(access, row)) return;
  throw forbidden(
    row.sources.length === 0
      ? `Your access is limited to ${access.labels?.join(", ")}; this destination is connected to no source, so only owners and admins for every label may change it`
      : `Your access is limited to ${access.labels?.join(", ")}; this destination receives events from other environments`,
  );
}

/** A label-scoped admin's destination must stay connected to a source of their labels. */
function requireSourcesForScopedAdmin(access: WorkspaceAccess, sourceIds: string[]) {
  if (access.labels === null || sourceIds.length > 0) return;
  const message = `Your access is limited to ${access.labels.join(", ")}: connect at least one ${access.labels.join(" or ")} source`;
  throw new AppError("forbidden", message, [{ path: "sourceIds", message }]);
}

/** Sources of this workspace, in the order given: 404 naming the unknown ones, 403 outside the scope. */
async function resolveSources(access: WorkspaceAccess, ids: string[]) {
  const rows = await db.source.findMany({
    where: { id: { in: ids }, workspaceId: access.workspace.id },
    select: { id: true, name: true, environment: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.flatMap((id, i) =>
    byId.has(id) ? [] : [{ path: `sourceIds.${i}`, message: "Source not found" }],
  );
  if (missing.length) throw new AppError("not_found", "Source not found", missing);
  const outside = rows.filter((r) => !access.inScope(r.environment));
  if (outside.length)
    throw forbidden(
      `Your access is limited to ${access.labels?.join(", ")}; ${outside.map((s) => `${s.name} is ${s.environment}`).join(", ")}`,
    );
  return ids.map((id) => byId.get(id)!);
}

async function requireUniqueName(workspaceId: string, name: string, exceptId?: string) {
  const clash = await db.destination.findFirst({
    where: { workspaceId, name, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { id: true },
  });
  if (clash) throw conflict(`A destination named "${name}" already exists`, "name");
}

function settingsError(errors: { path: string; message: string }[]): AppError {
  const fields = settingsFieldErrors(errors);
  return new AppError("bad_request", `${fields[0]?.path}: ${fields[0]?.message}`, fields);
}

export async function createDestination(access: WorkspaceAccess, input: DestinationCreate) {
  requireSourcesForScopedAdmin(access, input.sourceIds);
  await requireUniqueName(access.workspace.id, input.name);
  const sources = await resolveSources(access, input.sourceIds);
  const split = splitSecrets(input.type, input.settings);
  const created = await db.destination.create({
    data: {
      workspaceId: access.workspace.id,
      type: input.type,
      name: input.name,
      enabled: input.enabled,
      settings: JSON.stringify(split.public),
      secretsCipher: sealSecrets(split.secrets),
      sources: { create: sources.map((s) => ({ sourceId: s.id })) },
    },
  });
  const state: DestinationState = {
    name: created.name,
    enabled: created.enabled,
    sources: sources.map((s) => s.name),
    ...split,
  };
  return { row: await getDestination(access, created.id), audit: auditCreated(input.type, state) };
}

/** `row` comes from getDestination, so it is known to belong to the actor's workspace. */
export async function updateDestination(
  access: WorkspaceAccess,
  row: DestinationRow,
  input: DestinationChange,
) {
  requireDestinationScope(access, row);
  if (input.sourceIds) requireSourcesForScopedAdmin(access, input.sourceIds);
  const sources = input.sourceIds ? await resolveSources(access, input.sourceIds) : undefined;
  if (input.name !== undefined) await requireUniqueName(access.workspace.id, input.name, row.id);
  const before: DestinationState = {
    name: row.name,
    enabled: row.enabled,
    sources: row.sources.map((s) => s.source.name),
    public: parseJsonObject(row.settings),
    secrets: await readSecrets(row.id),
  };
  let next = { public: before.public, secrets: before.secrets };
  if (input.settings) {
    if (!getDestinationType(row.type))
      throw new AppError("bad_request", `Destination type "${row.type}" is no longer in the catalog`);
    const merged = mergeSettingsUpdate(row.type, joinSettings(before.public, before.secrets), input.settings);
    const checked = validateSettings(row.type, merged);
    if (!checked.ok) throw settingsError(checked.errors);
    next = splitSecrets(row.type, checked.settings);
  }
  await db.$transaction(async (tx) => {
    await tx.destination.update({
      where: { id: row.id },
      data: {
        name: input.name,
        enabled: input.enabled,
        ...(input.settings
          ? { settings: JSON.stringify(next.public), secretsCipher: sealSecrets(next.secrets) }
          : {}),
      },
    });
    if (!sources) return;
    await tx.destinationSource.deleteMany({ where: { destinationId: row.id } });
    await tx.destinationSource.createMany({
      data: sources.map((s) => ({ destinationId: row.id, sourceId: s.id })),
    });
  });
  const after: DestinationState = {
    name: input.name ?? before.name,
    enabled: input.enabled ?? before.enabled,
    sources: sources ? sources.map((s) => s.name) : before.sources,
    ...next,
  };
  return { row: await getDestination(access, row.id), audit: auditChange(row.type, before, after) };
}

export async function deleteDestination(access: WorkspaceAccess, id: string) {
  const row = await getDestination(access, id);
  requireDestinationScope(access, row);
  await db.destination.delete({ where: { id: row.id } });
  return row;
}

/** Keys of the secrets stored for a destination, so the view can mask exactly those. */
export async function storedSecretKeys(id: string): Promise<string[]> {
  return Object.keys(await readSecrets(id));
}

/** The single-destination answer: masked settings for exactly the secrets that are stored. */
export async function destinationDetail(access: WorkspaceAccess, row: DestinationRow) {
  return toDestinationDetail(row, access, await storedSecretKeys(row.id));
}
