// GET|PATCH|DELETE /api/workspaces/:workspace/tracking-plans/:planId - one plan with its change history (?export=1: JSON download)
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { slugify } from "@/lib/catalog/use-cases";
import {
  deletePlan,
  getPlan,
  MAX_PLAN_BODY,
  planHistory,
  planUpdate,
  toPlanView,
  updatePlan,
} from "@/lib/protocols/plans";

export const GET = withWorkspace("sources.read", async ({ req, params, access }) => {
  const plan = toPlanView(await getPlan(access, params.planId!));
  if (new URL(req.url).searchParams.get("export")) {
    const body = { name: plan.name, description: plan.description, version: plan.version, rules: plan.rules };
    return new Response(JSON.stringify(body, null, 2), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="tracking-plan-${slugify(plan.name) || "plan"}-v${plan.version}.json"`,
      },
    });
  }
  const history = await planHistory(access, plan.id);
  return json({ plan, history: history.map(({ rules: _r, ...h }) => h) });
});

export const PATCH = withWorkspace("sources.write", async ({ req, params, access }) => {
  const input = await readJson(req, planUpdate, MAX_PLAN_BODY);
  return json({ plan: toPlanView(await updatePlan(access, params.planId!, input)) });
});

export const DELETE = withWorkspace("sources.write", async ({ params, access }) => {
  await deletePlan(access, params.planId!);
  return json({ deleted: true });
});
