// GET|POST /api/workspaces/:workspace/tracking-plans - list plans; create one (empty, imported JSON, or from a use case)
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { createPlan, listPlans, MAX_PLAN_BODY, planCreate, toPlanView } from "@/lib/protocols/plans";

export const GET = withWorkspace("sources.read", async ({ access }) => {
  return json({ plans: await listPlans(access) });
});

export const POST = withWorkspace("sources.write", async ({ req, access }) => {
  const input = await readJson(req, planCreate, MAX_PLAN_BODY);
  return json({ plan: toPlanView(await createPlan(access, input)) }, 201);
});
