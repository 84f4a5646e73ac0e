// GET|PATCH|DELETE /api/workspaces/:workspace/functions/:functionId - one function: working copy, versions, instances (secrets masked)
import { createHash } from "node:crypto";
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { functionDetail } from "@/lib/functions/instances";
import { functionUpdate } from "@/lib/functions/schema";
import { deleteFunction, getFunction, updateFunction } from "@/lib/functions/service";

const digest = (code: string) => createHash("sha256").update(code).digest("hex").slice(0, 12);

export const GET = withWorkspace("functions.read", async ({ params, access }) => {
  const row = await getFunction(access, params.functionId!);
  return json({ function: await functionDetail(access, row) });
});

export const PATCH = withWorkspace("functions.write", async ({ req, params, access }) => {
  const current = await getFunction(access, params.functionId!);
  const input = await readJson(req, functionUpdate, 256 * 1024);
  const row = await updateFunction(access, current, input);
  await audit(access, {
    action: "function.updated",
    targetType: "function",
    targetId: row.id,
    targetName: row.name,
    before: { name: current.name, code: digest(current.code), settings: JSON.parse(current.settings) },
    after: { name: row.name, code: digest(row.code), settings: JSON.parse(row.settings) },
  });
  return json({ function: await functionDetail(access, row) });
});

export const DELETE = withWorkspace("functions.write", async ({ params, access }) => {
  const row = await getFunction(access, params.functionId!);
  await deleteFunction(row);
  await audit(access, {
    action: "function.deleted",
    targetType: "function",
    targetId: row.id,
    targetName: row.name,
    before: { kind: row.kind, versions: row.versions.length },
  });
  return json({ deleted: true });
});
