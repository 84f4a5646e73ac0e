// POST /api/workspaces/:workspace/destinations/:destinationId/delivery/discard - drops the queued messages (optionally only { errorType }'s) as not delivered, reason "discarded"; answers { discarded, inFlight }
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { discardInput, discardQueued } from "@/lib/delivery/operations";
import { getDestination } from "@/lib/destinations/queries";
import { requireDestinationScope } from "@/lib/destinations/service";

export const POST = withWorkspace("delivery.operate", async ({ req, params, access }) => {
  const destination = await getDestination(access, params.destinationId!);
  requireDestinationScope(access, destination);
  const input = await readJson(req, discardInput);
  const result = await discardQueued(destination.id, input, access.user.email);
  await audit(access, {
    action: "destination.delivery_discarded",
    targetType: "destination",
    targetId: destination.id,
    targetName: destination.name,
    after: { errorType: input.errorType ?? "all", ...result },
  });
  return json(result);
});
