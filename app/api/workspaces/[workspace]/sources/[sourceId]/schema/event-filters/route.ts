// PUT /api/workspaces/:workspace/sources/:sourceId/schema/event-filters - block/unblock an event, omit/restore a trait
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { eventFilterToggle, toggleEventFilter } from "@/lib/protocols/source-settings";

export const PUT = withWorkspace("sources.write", async ({ req, params, access }) => {
  const input = await readJson(req, eventFilterToggle, 4096);
  return json(await toggleEventFilter(access, params.sourceId!, input));
});
