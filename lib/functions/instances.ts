import { FUNCTION_DESTINATION_TYPE_ID } from "@/lib/catalog/destinations/function";
import { mask, open, randomToken, seal, sha256 } from "@/lib/crypto/secrets";
import { db } from "@/lib/db";
import { getDestination } from "@/lib/destinations/queries";
import { createDestination, requireDestinationScope } from "@/lib/destinations/service";
import { env } from "@/lib/env";
import { AppError, conflict, notFound } from "@/lib/errors";
import type { FunctionKind } from "@/lib/functions/sandbox/types";
import type { InstanceCreate, SettingDecl } from "@/lib/functions/schema";
import { type FunctionRow, parseDecls } from "@/lib/functions/service";
import { checkSettings, maskedSettings } from "@/lib/functions/settings";
import { slugify, uniqueSlug } from "@/lib/slug";
import { newWriteKey, requireUniqueSourceName } from "@/lib/sources/service";
import { NAME_REQUIRED } from "@/lib/validation/names";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// Where a deployed function runs. A source function gets a new Source with an unguessable
// inbound URL (/v1/functions/{token}; the token is stored hashed for lookup and sealed so owners
// and source admins can copy it again); a destination function gets a new Destination of type
// "function"; an insert function is attached to an existing destination. Each instance holds its
// own values for the function's declared settings, secret ones sealed.

type Values = Record<string, unknown>;
type Instance = FunctionRow["instances"][number];

export const WEBHOOK_PATH = "/v1/functions/";

function newToken() {
  const token = randomToken(32);
  return { token, fields: { tokenHash: sha256(token), tokenCipher: seal(token, env().ENCRYPTION_KEY) } };
}

const sealValues = (v: Values) =>
  Object.keys(v).length ? seal(JSON.stringify(v), env().ENCRYPTION_KEY) : null;

async function storedValues(
  instanceId: string,
): Promise<{ public: Values; secrets: Values; tokenCipher: string | null }> {
  const row = await db.functionInstance.findUniqueOrThrow({
    where: { id: instanceId },
    omit: { secretsCipher: false, tokenCipher: false },
  });
  return {
    public: JSON.parse(row.settings) as Values,
    secrets: row.secretsCipher ? (JSON.parse(open(row.secretsCipher, env().ENCRYPTION_KEY)) as Values) : {},
    tokenCipher: row.tokenCipher,
  };
}

function latestDecls(row: FunctionRow): SettingDecl[] {
  if (!row.versions.length) throw conflict("Deploy the function first: instances run its deployed version");
  return parseDecls(row.settings);
}

function settingsOrThrow(decls: SettingDecl[], input: Values, stored: Values = {}) {
  const checked = checkSettings(decls, input, stored);
  if (!checked.ok)
    throw new AppError(
      "bad_request",
      `${checked.errors[0]!.path}: ${checked.errors[0]!.message}`,
      checked.errors,
    );
  return checked;
}

export const webhookUrl = (token: string) => `${env().PUBLIC_URL}${WEBHOOK_PATH}${token}`;

export async function createInstance(access: WorkspaceAccess, row: FunctionRow, input: InstanceCreate) {
  const decls = latestDecls(row);
  const values = settingsOrThrow(decls, input.settings);
  const kind = row.kind as FunctionKind;
  const base = {
    workspaceId: access.workspace.id,
    functionId: row.id,
    kind,
    settings: JSON.stringify(values.public),
    secretsCipher: sealValues(values.secrets),
  };
  if (kind === "source") {
    if (!input.name || !input.environment)
      throw new AppError("bad_request", "Name the new source and choose its environment", [
        ...(input.name ? [] : [{ path: "name", message: NAME_REQUIRED }]),
        ...(input.environment ? [] : [{ path: "environment", message: "Choose an environment" }]),
      ]);
    access.requireLabel("sources.write", input.environment);
    const name = input.name;
    const environment = input.environment;
    await requireUniqueSourceName(access.workspace.id, name);
    const { fields } = newWriteKey();
    const { token, fields: tokenFields } = newToken();
    const slug = await uniqueSlug(slugify(name), async (s) =>
      Boolean(
        await db.source.findUnique({
          where: { workspaceId_slug: { workspaceId: access.workspace.id, slug: s } },
        }),
      ),
    );
    const source = await db.source.create({
      data: {
        workspaceId: access.workspace.id,
        name,
        slug,
        type: "function",
        environment,
        settings: JSON.stringify({ functionId: row.id }),
        ...fields,
        functionInstances: { create: { ...base, ...tokenFields } },
      },
      include: { functionInstances: { select: { id: true } } },
    });
    return {
      instanceId: source.functionInstances[0]!.id,
      webhookUrl: webhookUrl(token),
      sourceId: source.id,
    };
  }
  if (kind === "destination") {
    if (!input.name)
      throw new AppError("bad_request", "Name the new destination", [
        { path: "name", message: NAME_REQUIRED },
      ]);
    const { row: dest } = await createDestination(access, {
      type: FUNCTION_DESTINATION_TYPE_ID,
      name: input.name,
      sourceIds: [...new Set(input.sourceIds ?? [])],
      settings: {},
      enabled: input.enabled ?? true,
    });
    const created = await db.functionInstance.create({ data: { ...base, destinationId: dest.id } });
    return { instanceId: created.id, destinationId: dest.id };
  }
  if (!input.destinationId)
    throw new AppError("bad_request", "Choose the destination to insert the function into", [
      { path: "destinationId", message: "Choose a destination" },
    ]);
  const dest = await getDestination(access, input.destinationId);
  requireDestinationScope(access, dest);
  const existing = await db.functionInstance.findFirst({
    where: { destinationId: dest.id, kind: "insert" },
    include: { function: { select: { name: true } } },
  });
  if (existing)
    throw conflict(
      `"${dest.name}" already runs the insert function "${existing.function.name}"`,
      "destinationId",
    );
  const created = await db.functionInstance.create({ data: { ...base, destinationId: dest.id } });
  return { instanceId: created.id, destinationId: dest.id };
}

export function findInstance(row: FunctionRow, instanceId: string): Instance {
  const instance = row.instances.find((i) => i.id === instanceId);
  if (!instance) throw notFound("Instance not found");
  return instance;
}

export async function updateInstanceSettings(row: FunctionRow, instance: Instance, input: Values) {
  const decls = latestDecls(row);
  const stored = await storedValues(instance.id);
  const values = settingsOrThrow(decls, input, { ...stored.public, ...stored.secrets });
  await db.functionInstance.update({
    where: { id: instance.id },
    data: { settings: JSON.stringify(values.public), secretsCipher: sealValues(values.secrets) },
  });
  return {
    before: maskedSettings(decls, stored.public, Object.keys(stored.secrets)),
    after: maskedSettings(decls, values.public, Object.keys(values.secrets)),
  };
}

/** Removes the instance: its source or destination with it (source and destination functions). */
export async function deleteInstance(instance: Instance) {
  if (instance.kind === "source" && instance.sourceId)
    await db.source.delete({ where: { id: instance.sourceId } });
  else if (instance.kind === "destination" && instance.destinationId)
    await db.destination.delete({ where: { id: instance.destinationId } });
  else await db.functionInstance.delete({ where: { id: instance.id } });
}

export async function revealWebhookUrl(instance: Instance): Promise<string> {
  const stored = await storedValues(instance.id);
  if (!stored.tokenCipher) throw notFound("Only source functions have an inbound URL");
  return webhookUrl(open(stored.tokenCipher, env().ENCRYPTION_KEY));
}

/** A new token: the old URL stops working at once (the endpoint caches lookups for 1 s at most). */
export async function regenerateToken(instance: Instance): Promise<string> {
  if (instance.kind !== "source") throw notFound("Only source functions have an inbound URL");
  const { token, fields } = newToken();
  await db.functionInstance.update({ where: { id: instance.id }, data: fields });
  return webhookUrl(token);
}

export interface InstanceView {
  id: string;
  kind: FunctionKind;
  source: { id: string; name: string; environment: string } | null;
  destination: { id: string; name: string; enabled: boolean } | null;
  settings: Values;
  /** Masked for everyone; owners and source admins reveal it through the token route. */
  webhookUrlHint: string | null;
  canEdit: boolean;
}

export async function instanceViews(access: WorkspaceAccess, row: FunctionRow): Promise<InstanceView[]> {
  const decls = parseDecls(row.settings);
  return Promise.all(
    row.instances.map(async (i) => {
      const stored = await storedValues(i.id);
      const envs = i.source
        ? [i.source.environment]
        : (i.destination?.sources.map((s) => s.source.environment) ?? []);
      return {
        id: i.id,
        kind: i.kind as FunctionKind,
        source: i.source,
        destination: i.destination
          ? { id: i.destination.id, name: i.destination.name, enabled: i.destination.enabled }
          : null,
        settings: maskedSettings(decls, stored.public, Object.keys(stored.secrets)),
        webhookUrlHint: stored.tokenCipher
          ? `${env().PUBLIC_URL}${WEBHOOK_PATH}${mask(open(stored.tokenCipher, env().ENCRYPTION_KEY))}`
          : null,
        canEdit: access.can("functions.write") && envs.every((e) => access.inScope(e)),
      };
    }),
  );
}

export async function functionDetail(access: WorkspaceAccess, row: FunctionRow) {
  const deployed = row.versions[0] ?? null;
  const latest = deployed
    ? await db.functionVersion.findUnique({
        where: { functionId_version: { functionId: row.id, version: deployed.version } },
        select: { code: true, settings: true },
      })
    : null;
  return {
    id: row.id,
    kind: row.kind as FunctionKind,
    name: row.name,
    description: row.description,
    code: row.code,
    settings: parseDecls(row.settings),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deployedVersion: deployed?.version ?? null,
    /** The working copy differs from what instances run. */
    undeployedChanges: !latest || latest.code !== row.code || latest.settings !== row.settings,
    versions: row.versions.map((v) => ({
      version: v.version,
      deployedBy: v.deployedBy,
      at: v.createdAt.toISOString(),
    })),
    instances: await instanceViews(access, row),
    canEdit: access.can("functions.write"),
  };
}
