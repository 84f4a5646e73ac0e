// GET /api/workspaces/:workspace/functions/:functionId/runs - recent invocations (failures and sampled successes) with their logs
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { recentRuns } from "@/lib/functions/queries";
import { getFunction } from "@/lib/functions/service";

export const GET = withWorkspace("functions.read", async ({ req, params, access }) => {
  const row = await getFunction(access, params.functionId!);
  const onlyFailures = new URL(req.url).searchParams.get("failures") === "1";
  return json({ runs: await recentRuns(row.id, onlyFailures) });
});
