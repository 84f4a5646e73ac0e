// GET /api/workspaces/:workspace/destinations/:destinationId/delivery/trends - delivered / not delivered / P95 per bucket of the period
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { trends } from "@/lib/metrics/dashboard";
import { requireDestination, windowFromRequest } from "@/lib/metrics/request";

export const GET = withWorkspace("delivery.read", async ({ req, params, access }) => {
  const window = windowFromRequest(req);
  return json(await trends(await requireDestination(access, params.destinationId!), window));
});
