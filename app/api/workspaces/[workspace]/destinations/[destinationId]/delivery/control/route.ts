// GET /api/workspaces/:workspace/destinations/:destinationId/delivery/control - paused or not, and the circuit breaker's state (open / probing / closed, next probe)
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { deliveryControl } from "@/lib/delivery/operations";
import { requireDestination } from "@/lib/metrics/request";

export const GET = withWorkspace("delivery.read", async ({ params, access }) =>
  json(await deliveryControl(await requireDestination(access, params.destinationId!))),
);
