// POST /api/workspaces/:workspace/setup/complete - mark guided setup complete (409 until prod is verified)
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { completeSetup, setupState } from "@/lib/use-cases/service";

export const POST = withWorkspace("setup.write", async ({ access }) => {
  await completeSetup(access);
  return json(await setupState(access));
});
