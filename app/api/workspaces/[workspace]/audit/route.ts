// GET /api/workspaces/:workspace/audit - audit events, newest first (?cursor=&limit=≤100&action=prefix)
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { auditQuery, listAuditEvents } from "@/lib/audit-queries";

export const GET = withWorkspace("audit.read", async ({ req, access }) => {
  // Empty parameters (?action=) mean "not given", as forms send them.
  const params = Object.fromEntries([...new URL(req.url).searchParams].filter(([, v]) => v !== ""));
  return json(await listAuditEvents(access.workspace.id, auditQuery.parse(params)));
});
