// POST /api/workspaces/:workspace/setup/copy-destination - publish a dev destination to prod, fed by a prod source
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { publishDestination } from "@/lib/use-cases/publish";
import { copyDestinationInput } from "@/lib/use-cases/schema";

export const POST = withWorkspace("setup.write", async ({ req, access }) =>
  json(await publishDestination(access, await readJson(req, copyDestinationInput)), 201),
);
