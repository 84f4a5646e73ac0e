// GET /api/workspaces/:workspace/destinations/:destinationId/delivery/metrics - key metrics for ?period=1h|24h|7d|30d or ?from=&to= (ISO)
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { keyMetrics } from "@/lib/metrics/dashboard";
import { requireDestination, windowFromRequest } from "@/lib/metrics/request";

export const GET = withWorkspace("delivery.read", async ({ req, params, access }) => {
  const window = windowFromRequest(req);
  return json(await keyMetrics(await requireDestination(access, params.destinationId!), window));
});
