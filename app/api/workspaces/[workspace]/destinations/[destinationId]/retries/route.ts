// POST /api/workspaces/:workspace/destinations/:destinationId/retries - queue again the messages this destination did not deliver, received in { from, to } (ISO); answers { queued, filtered, expired }
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { retryNotDelivered } from "@/lib/delivery/replay";
import { retryWindow } from "@/lib/delivery/schema";
import { getDestination } from "@/lib/destinations/queries";
import { requireDestinationScope } from "@/lib/destinations/service";

export const POST = withWorkspace("delivery.retry", async ({ req, params, access }) => {
  const destination = await getDestination(access, params.destinationId!);
  requireDestinationScope(access, destination);
  const window = await readJson(req, retryWindow);
  const result = await retryNotDelivered(destination.id, window.from, window.to);
  await audit(access, {
    action: "destination.retry_requested",
    targetType: "destination",
    targetId: destination.id,
    targetName: destination.name,
    after: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString(), ...result },
  });
  return json(result);
});
