// POST /api/workspaces/:workspace/setup/change - start over with another use case (409 once reviewed)
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { changeUseCase, setupState } from "@/lib/use-cases/service";

export const POST = withWorkspace("setup.write", async ({ access }) => {
  await changeUseCase(access);
  return json(await setupState(access));
});
