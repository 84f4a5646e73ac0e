// GET /api/workspaces/:workspace/sources/:sourceId/events/:seq/delivery - what became of one archived event at every destination connected to its source
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { sqlite } from "@/lib/db/sqlite";
import { eventDelivery } from "@/lib/delivery/event-delivery";
import { notFound } from "@/lib/errors";
import { getSource } from "@/lib/sources/queries";

export const GET = withWorkspace("debugger.read", async ({ params, access }) => {
  const source = await getSource(access, params.sourceId!);
  const seq = Number(params.seq);
  if (!/^\d{1,15}$/.test(params.seq ?? "") || !Number.isSafeInteger(seq)) throw notFound("Event not found");
  const view = await eventDelivery(sqlite(), { workspaceId: access.workspace.id, sourceId: source.id, seq });
  if (!view) throw notFound("Event not found");
  return json(view);
});
