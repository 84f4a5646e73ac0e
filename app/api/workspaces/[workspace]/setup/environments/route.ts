// POST /api/workspaces/:workspace/setup/environments - the owner has read how dev and prod work
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { acknowledgeEnvironments, setupState } from "@/lib/use-cases/service";

export const POST = withWorkspace("setup.write", async ({ access }) => {
  await acknowledgeEnvironments(access);
  return json(await setupState(access));
});
