// POST /api/workspaces/:workspace/destinations/:destinationId/delivery/resume - resumed delivery (events keep being routed and queued); answers the control state
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { pauseDelivery } from "@/lib/delivery/operations";
import { getDestination } from "@/lib/destinations/queries";
import { requireDestinationScope } from "@/lib/destinations/service";

export const POST = withWorkspace("delivery.operate", async ({ params, access }) => {
  const destination = await getDestination(access, params.destinationId!);
  requireDestinationScope(access, destination);
  const control = await pauseDelivery(
    { id: destination.id, workspaceId: access.workspace.id },
    false,
    access.user.email,
  );
  await audit(access, {
    action: "destination.delivery_resumed",
    targetType: "destination",
    targetId: destination.id,
    targetName: destination.name,
    after: { paused: control.paused },
  });
  return json(control);
});
