// POST /api/workspaces/:workspace/destinations/:destinationId/replays/:replayId/cancel - stops a running replay (queued messages not yet being sent are dropped); answers the replay
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { cancel } from "@/lib/delivery/operations";
import { getDestination } from "@/lib/destinations/queries";
import { requireDestinationScope } from "@/lib/destinations/service";
import { notFound } from "@/lib/errors";

export const POST = withWorkspace("delivery.operate", async ({ params, access }) => {
  const destination = await getDestination(access, params.destinationId!);
  requireDestinationScope(access, destination);
  const replayId = Number(params.replayId);
  if (!Number.isSafeInteger(replayId) || replayId <= 0) throw notFound("Replay not found");
  const replay = await cancel(destination.id, replayId);
  await audit(access, {
    action: "destination.replay_cancelled",
    targetType: "destination",
    targetId: destination.id,
    targetName: destination.name,
    after: { replayId, routed: replay.routed, delivered: replay.delivered },
  });
  return json(replay);
});
