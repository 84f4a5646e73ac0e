// POST /api/workspaces/:workspace/functions/:functionId/test - runs the code once against a sample: output, fetch calls, logs, error
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { testRun } from "@/lib/functions/schema";
import { getFunction, testFunction } from "@/lib/functions/service";

export const POST = withWorkspace("functions.write", async ({ req, params, access }) => {
  const row = await getFunction(access, params.functionId!);
  const input = await readJson(req, testRun, 1024 * 1024);
  return json({ result: await testFunction(row, input) });
});
