// GET /api/workspaces/:workspace/sources/:sourceId/events/:seq/deliveries - what became of one debugger event at each destination (status, reason, "privacy: N fields removed")
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { sqlite } from "@/lib/db/sqlite";
import { AppError } from "@/lib/errors";
import { eventDeliveries } from "@/lib/privacy/sql";
import { getSource } from "@/lib/sources/queries";

export const GET = withWorkspace("debugger.read", async ({ params, access }) => {
  const source = await getSource(access, params.sourceId!);
  const seq = params.seq ?? "";
  if (!/^\d{1,15}$/.test(seq)) throw new AppError("bad_request", "The event id must be a whole number");
  return json({ deliveries: eventDeliveries(sqlite(), access.workspace.id, source.id, Number(seq)) });
});
