import { audit } from "@/lib/audit";
import {
  changedRoutingFields,
  type DestinationType,
  getDestinationType,
  joinSettings,
  maskUrl,
  mergeSettingsUpdate,
  requireDestinationType,
  secretsNotReentered,
  splitSecrets,
  validateSettings,
} from "@/lib/catalog";
import { open, seal } from "@/lib/crypto/secrets";
import { db } from "@/lib/db";
import { checkEndpoint } from "@/lib/delivery/http/ssrf";
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
import { AppError, forbidden } from "@/lib/errors";
import { requireUniqueName as uniqueName } from "@/lib/validation/unique-name";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// Destinations and their credentials. Secret settings (as the catalog marks them) are sealed
// together into secretsCipher; only the delivery engine reads them back (loadDestinationSettings).
// Two rules keep credentials where their owner put them: changing a routing setting (URL, base
// URL, region: FieldSpec.routing) needs every stored secret typed again or removed in the same
// request, and the endpoint is checked against the SSRF policy when it is saved.

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

/** 409 when another destination of the workspace has this name (case-insensitive). */
function requireUniqueName(workspaceId: string, name: string, exceptId?: string) {
  return uniqueName(
    "destination",
    name,
    () => db.destination.findMany({ where: { workspaceId }, select: { id: true, name: true } }),
    { exceptId },
  );
}

function settingsError(errors: { path: string; message: string }[]): AppError {
  const fields = settingsFieldErrors(errors);
  return new AppError("bad_request", `${fields[0]?.path}: ${fields[0]?.message}`, fields);
}

/** Something worth telling the user about a saved destination that did not stop the save. */
export interface SaveWarning {
  path: string;
  message: string;
}

/**
 * The save-time SSRF check of a URL the user entered (catalog defaults and region endpoints are
 * the vendors' own). Blocked: 400 on the endpoint field. Unresolvable: saved, with a warning.
 */
async function checkEndpointOnSave(type: DestinationType, settings: Settings): Promise<SaveWarning[]> {
  const entered = endpointUrl(type, settings);
  if (!entered) return [];
  const result = await checkEndpoint(entered, { allowPrivate: env().ALLOW_PRIVATE_DESTINATIONS });
  const path = `settings.${type.endpointField}`;
  if (result.status === "blocked")
    throw new AppError("bad_request", `${path}: ${result.message}`, [{ path, message: result.message }]);
  return result.status === "unresolved" ? [{ path, message: result.message }] : [];
}

/** The URL the address policy judges: the endpoint setting, or postgres://host:port for a warehouse. */
export function endpointUrl(type: DestinationType, settings: Settings): string | null {
  const entered = settings[type.endpointField];
  if (typeof entered !== "string" || !entered.trim()) return null;
  if (!type.warehouse) return entered;
  const host =
    entered.trim().includes(":") && !entered.startsWith("[") ? `[${entered.trim()}]` : entered.trim();
  return `postgres://${host}:${Number(settings[type.warehouse.portField] ?? 5432)}`;
}

const labelOf = (type: DestinationType, key: string) => type.fields.find((f) => f.key === key)?.label ?? key;
const listOf = (words: string[]) =>
  words.length < 2 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;

/**
 * Refuses a change of where requests go that would keep stored secrets without their being typed
 * again: otherwise anyone allowed to edit the URL could send the owner's credentials to a host of
 * their choice. The refusal is audited (with masked URLs only).
 */
async function requireSecretsForNewEndpoint(
  access: WorkspaceAccess,
  row: DestinationRow,
  previous: Settings,
  posted: Settings,
  next: Settings,
) {
  const type = requireDestinationType(row.type);
  const moved = changedRoutingFields(row.type, previous, next);
  if (!moved.length) return;
  const kept = secretsNotReentered(row.type, previous, posted, next);
  if (!kept.length) return;
  const changed = listOf(moved.map((k) => labelOf(type, k)));
  const message = `Changing ${changed} sends this destination's requests somewhere else: re-enter ${listOf(kept.map((f) => f.label))} in the same save, or remove ${kept.length > 1 ? "them" : "it"}. Stored secrets are only sent where they were entered for.`;
  // A secret routing field (Slack's webhook URL) is recorded as a marker only.
  const shown = (key: string, value: unknown) =>
    type.fields.find((f) => f.key === key)?.secret
      ? "(secret)"
      : typeof value === "string"
        ? maskUrl(value)
        : value;
  const masked = (s: Settings) => Object.fromEntries(moved.map((k) => [`settings.${k}`, shown(k, s[k])]));
  await audit(access, {
    action: "destination.update_refused",
    targetType: "destination",
    targetId: row.id,
    targetName: row.name,
    before: masked(previous),
    after: { ...masked(next), reason: `secrets not re-entered: ${kept.map((f) => f.key).join(", ")}` },
  });
  throw new AppError("bad_request", message, [
    ...kept.map((f) => ({
      path: `settings.${f.key}`,
      message: `Re-enter or remove: the ${changed} changed, and this secret is not carried over`,
    })),
  ]);
}

export async function createDestination(access: WorkspaceAccess, input: DestinationCreate) {
  requireSourcesForScopedAdmin(access, input.sourceIds);
  await requireUniqueName(access.workspace.id, input.name);
  const sources = await resolveSources(access, input.sourceIds);
  const warnings = await checkEndpointOnSave(requireDestinationType(input.type), input.settings);
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
  return {
    row: await getDestination(access, created.id),
    audit: auditCreated(input.type, state),
    warnings,
  };
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
  let warnings: SaveWarning[] = [];
  if (input.settings) {
    const type = getDestinationType(row.type);
    if (!type)
      throw new AppError("bad_request", `Destination type "${row.type}" is no longer in the catalog`);
    const previous = joinSettings(before.public, before.secrets);
    const merged = mergeSettingsUpdate(row.type, previous, input.settings);
    const checked = validateSettings(row.type, merged);
    if (!checked.ok) throw settingsError(checked.errors);
    await requireSecretsForNewEndpoint(access, row, previous, input.settings, checked.settings);
    if (changedRoutingFields(row.type, previous, checked.settings).length)
      warnings = await checkEndpointOnSave(type, checked.settings);
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
  return {
    row: await getDestination(access, row.id),
    audit: auditChange(row.type, before, after),
    warnings,
  };
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
