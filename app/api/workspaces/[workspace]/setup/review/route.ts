// POST /api/workspaces/:workspace/setup/review - mark the suggested events reviewed; locks the use case
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { reviewInput } from "@/lib/use-cases/schema";
import { reviewEvents, setupState } from "@/lib/use-cases/service";

export const POST = withWorkspace("setup.write", async ({ req, access }) => {
  await reviewEvents(access, await readJson(req, reviewInput));
  return json(await setupState(access));
});
