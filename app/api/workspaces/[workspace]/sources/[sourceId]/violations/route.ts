// GET /api/workspaces/:workspace/sources/:sourceId/violations - tracking-plan violations per event and property
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { sqlite } from "@/lib/db/sqlite";
import { readViolations } from "@/lib/protocols/queries";
import { getSource } from "@/lib/sources/queries";

export const GET = withWorkspace("sources.read", async ({ params, access }) => {
  const source = await getSource(access, params.sourceId!);
  return json({
    violations: await readViolations(sqlite(), source.id),
    hasTrackingPlan: source.trackingPlanId !== null,
  });
});
