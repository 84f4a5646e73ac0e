// GET /api/workspaces/:workspace/delivery/overview - every destination's last 24 h (counts, P95, hourly sparkline, health) and health changes
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { workspaceOverview } from "@/lib/metrics/overview";

export const GET = withWorkspace("delivery.read", async ({ access }) =>
  json(await workspaceOverview(access.workspace.id)),
);
