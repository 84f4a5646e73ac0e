// GET /api/workspaces/:workspace/connections - sources, destinations, their connections and each one's last 24 h (the overview)
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { workspaceConnections } from "@/lib/metrics/connections";

export const GET = withWorkspace("sources.read", async ({ access }) =>
  json(await workspaceConnections(access)),
);
