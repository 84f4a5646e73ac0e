// GET /api/workspaces/:workspace/functions/samples?sourceId=... - a source's recent accepted events, to test a function with
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { AppError } from "@/lib/errors";
import { sampleEvents } from "@/lib/functions/queries";
import { getSource } from "@/lib/sources/queries";

export const GET = withWorkspace("debugger.read", async ({ req, access }) => {
  const sourceId = new URL(req.url).searchParams.get("sourceId");
  if (!sourceId)
    throw new AppError("bad_request", "sourceId is required", [{ path: "sourceId", message: "Required" }]);
  const source = await getSource(access, sourceId);
  return json({ events: await sampleEvents(source.id) });
});
