// GET /api/workspaces/:workspace/setup - guided setup state and progress (every role)
// POST /api/workspaces/:workspace/setup - choose the business goal and use case (owners; 409 once reviewed)
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { chooseInput } from "@/lib/use-cases/schema";
import { chooseUseCase, setupState } from "@/lib/use-cases/service";

export const dynamic = "force-dynamic";

export const GET = withWorkspace("setup.read", async ({ access }) => json(await setupState(access)));

export const POST = withWorkspace("setup.write", async ({ req, access }) => {
  await chooseUseCase(access, await readJson(req, chooseInput));
  return json(await setupState(access), 201);
});
