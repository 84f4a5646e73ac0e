// GET /api/workspaces/:workspace/destinations/:destinationId/replays - recent replays with progress, the connected sources, and the archive retention that bounds the window
// POST /api/workspaces/:workspace/destinations/:destinationId/replays - replays { sourceIds, from, to } (ISO) of the archive to this destination; 201 with the replay
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { createReplay, replayInput, replayLimits, replays } from "@/lib/delivery/operations";
import { connectedSources, getDestination } from "@/lib/destinations/queries";
import { requireDestinationScope } from "@/lib/destinations/service";

export const GET = withWorkspace("delivery.read", async ({ params, access }) => {
  const destination = await getDestination(access, params.destinationId!);
  return json({
    replays: await replays(destination.id),
    sources: connectedSources(destination),
    ...replayLimits(),
  });
});

export const POST = withWorkspace("delivery.operate", async ({ req, params, access }) => {
  const destination = await getDestination(access, params.destinationId!);
  requireDestinationScope(access, destination);
  const input = await readJson(req, replayInput);
  const replay = await createReplay(
    {
      id: destination.id,
      workspaceId: access.workspace.id,
      connectedSourceIds: connectedSources(destination).map((s) => s.id),
    },
    input,
    access.user.email,
  );
  await audit(access, {
    action: "destination.replay_started",
    targetType: "destination",
    targetId: destination.id,
    targetName: destination.name,
    after: { replayId: replay.id, sourceIds: replay.sourceIds, from: replay.from, to: replay.to },
  });
  return json(replay, { status: 201 });
});
