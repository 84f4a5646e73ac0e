// POST /api/workspaces/:workspace/setup/copy-source - publish a dev source to prod; answers with the new write key
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { publishSource } from "@/lib/use-cases/publish";
import { copySourceInput } from "@/lib/use-cases/schema";

export const POST = withWorkspace("setup.write", async ({ req, access }) =>
  json(await publishSource(access, await readJson(req, copySourceInput)), 201),
);
