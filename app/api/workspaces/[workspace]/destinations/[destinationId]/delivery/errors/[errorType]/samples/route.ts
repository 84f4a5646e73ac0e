// GET /api/workspaces/:workspace/destinations/:destinationId/delivery/errors/:errorType/samples - the kept (redacted) samples of one error type
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { notFound } from "@/lib/errors";
import { errorSamples } from "@/lib/metrics/errors";
import { requireDestination, windowFromRequest } from "@/lib/metrics/request";

export const GET = withWorkspace("delivery.read", async ({ req, params, access }) => {
  const window = windowFromRequest(req);
  const destinationId = await requireDestination(access, params.destinationId!);
  if (!/^[a-z_]{1,64}$/.test(params.errorType ?? "")) throw notFound("Unknown error type");
  return json(await errorSamples(destinationId, params.errorType!, window));
});
