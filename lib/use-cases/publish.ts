import { audit } from "@/lib/audit";
import { db } from "@/lib/db";
import { createFilter, listFilters } from "@/lib/destinations/filters";
import { getDestination } from "@/lib/destinations/queries";
import { destinationInput } from "@/lib/destinations/schema";
import { createDestination, destinationDetail, loadDestinationSettings } from "@/lib/destinations/service";
import { AppError } from "@/lib/errors";
import { filterInput } from "@/lib/filters/schema";
import { getSource, toSourceView } from "@/lib/sources/queries";
import { createSource } from "@/lib/sources/service";
import { requireReviewed, updateSteps } from "@/lib/use-cases/record";
import {
  type CopyDestinationInput,
  type CopySourceInput,
  copyDestinationInput,
  copySourceInput,
  DEV,
  PROD,
} from "@/lib/use-cases/schema";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// Publishing to prod copies what was proven in dev. A source copy is a new source labelled prod
// with its own write key and the same type, website URL and settings. A destination copy has the
// same type, settings (secrets unsealed and sealed again for the new row), enabled state and
// filters, and receives from the chosen prod source only.

const wrongEnv = (path: string, message: string) => new AppError("bad_request", message, [{ path, message }]);

export async function publishSource(access: WorkspaceAccess, raw: CopySourceInput) {
  const input = copySourceInput.parse(raw);
  await requireReviewed(access.workspace.id);
  const dev = await getSource(access, input.sourceId);
  if (dev.environment !== DEV) throw wrongEnv("sourceId", "Choose a source labelled dev");
  const { source, writeKey } = await createSource(access.workspace.id, {
    name: input.name ?? `${dev.name} (prod)`,
    type: dev.type,
    environment: PROD,
    websiteUrl: dev.websiteUrl ?? undefined,
    settings: JSON.parse(dev.settings) as Record<string, unknown>,
  });
  await updateSteps(access.workspace.id, (s) => {
    s.published.sources[source.id] = dev.id;
  });
  await audit(access, {
    action: "setup.source_published",
    targetType: "source",
    targetId: source.id,
    targetName: source.name,
    after: { name: source.name, type: source.type, environment: PROD, copiedFrom: dev.name },
  });
  return { source: toSourceView(await getSource(access, source.id), access), writeKey };
}

export async function publishDestination(access: WorkspaceAccess, raw: CopyDestinationInput) {
  const input = copyDestinationInput.parse(raw);
  await requireReviewed(access.workspace.id);
  const dev = await getDestination(access, input.destinationId);
  if (!dev.sources.some((s) => s.source.environment === DEV))
    throw wrongEnv("destinationId", "Choose a destination that receives from a dev source");
  const prod = await getSource(access, input.prodSourceId);
  if (prod.environment !== PROD) throw wrongEnv("prodSourceId", "Choose a source labelled prod");
  const filters = await listFilters(dev.id);
  // Parsed like a new destination from the form, so the copy passes today's settings rules too.
  const create = destinationInput.parse({
    type: dev.type,
    name: input.name ?? `${dev.name} (prod)`,
    sourceIds: [prod.id],
    settings: await loadDestinationSettings(dev.id),
    enabled: dev.enabled,
  });
  const checkedFilters = filters.map((f) =>
    filterInput.parse({
      name: f.name,
      condition: f.condition,
      action: f.action,
      config: f.config,
      enabled: f.enabled,
    }),
  );
  const { row, audit: created } = await createDestination(access, create);
  try {
    for (const f of checkedFilters) await createFilter(row.id, f);
  } catch (err) {
    // Half a copy would deliver prod events without the dev filters: take it back.
    await db.destination.delete({ where: { id: row.id } });
    throw err;
  }
  await updateSteps(access.workspace.id, (s) => {
    s.published.destinations[row.id] = dev.id;
  });
  await audit(access, {
    action: "setup.destination_published",
    targetType: "destination",
    targetId: row.id,
    targetName: row.name,
    after: { type: row.type, ...created, filters: filters.length, copiedFrom: dev.name },
  });
  return { destination: await destinationDetail(access, await getDestination(access, row.id)) };
}
