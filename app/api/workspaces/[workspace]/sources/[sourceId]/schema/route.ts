// GET /api/workspaces/:workspace/sources/:sourceId/schema - the Source Schema (events, pages, screens, traits)
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { db } from "@/lib/db";
import { sqlite } from "@/lib/db/sqlite";
import { readSchema, schemaQuery } from "@/lib/protocols/queries";
import { listSchemaFilters } from "@/lib/protocols/source-settings";
import { getSource } from "@/lib/sources/queries";

export const GET = withWorkspace("sources.read", async ({ req, params, access }) => {
  const source = await getSource(access, params.sourceId!);
  const query = schemaQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const { items, total } = await readSchema(sqlite(), source.id, query);
  const [filters, links] = await Promise.all([
    listSchemaFilters(source.id),
    db.destinationSource.findMany({
      where: { sourceId: source.id },
      select: { destination: { select: { id: true, name: true, type: true, enabled: true } } },
      orderBy: { createdAt: "asc" },
    }),
  ]);
  const blocked = new Map(filters.events.filter((f) => f.kind === query.kind).map((f) => [f.name, f]));
  const off = filters.integrations.filter((f) => f.kind === query.kind);
  const callWide = query.kind === "identify" || query.kind === "group";
  return json({
    ...query,
    total,
    hasTrackingPlan: source.trackingPlanId !== null,
    canEdit: access.can("sources.write") && access.inScope(source.environment),
    destinations: links.map((l) => l.destination),
    // Identify/group integration filters apply to the whole call type.
    callIntegrationsOff: callWide ? off.filter((f) => f.name === "").map((f) => f.destinationId) : [],
    items: items.map((item) => {
      const filter = blocked.get(item.name);
      return {
        ...item,
        filter: filter ? { id: filter.id, action: filter.action, hits: filter.hits } : null,
        integrationsOff: callWide ? [] : off.filter((f) => f.name === item.name).map((f) => f.destinationId),
      };
    }),
    // Filters on names the schema has not listed (yet), so none is invisible.
    otherFilters: filters.events.filter(
      (f) => f.kind === query.kind && !items.some((i) => i.name === f.name),
    ),
  });
});
