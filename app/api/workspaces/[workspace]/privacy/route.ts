// GET /api/workspaces/:workspace/privacy - the Privacy page: inbox and classified fields, matchers, destination policies and consent mapping, sources' consent setting, deletions, suppressions
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { privacyOverview } from "@/lib/privacy/service";

export const GET = withWorkspace("privacy.read", async ({ access }) => json(await privacyOverview(access)));
