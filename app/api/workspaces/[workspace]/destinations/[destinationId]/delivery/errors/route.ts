// GET /api/workspaces/:workspace/destinations/:destinationId/delivery/errors - not-delivered counts per error type in the period, by count
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { errorSummary } from "@/lib/metrics/errors";
import { requireDestination, windowFromRequest } from "@/lib/metrics/request";

export const GET = withWorkspace("delivery.read", async ({ req, params, access }) => {
  const window = windowFromRequest(req);
  return json(await errorSummary(await requireDestination(access, params.destinationId!), window));
});
