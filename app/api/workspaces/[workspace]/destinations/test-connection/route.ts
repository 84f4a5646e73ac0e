// POST /api/workspaces/:workspace/destinations/test-connection - checks a warehouse's settings before saving (address policy, sign-in, right to create schemas); answers { ok, steps }
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { getDestination } from "@/lib/destinations/queries";
import { requireDestinationScope } from "@/lib/destinations/service";
import { connectionTest } from "@/lib/warehouses/schema";
import { testConnection } from "@/lib/warehouses/service";

export const POST = withWorkspace("destinations.write", async ({ req, access }) => {
  const input = await readJson(req, connectionTest, 64 * 1024);
  let existing: Awaited<ReturnType<typeof getDestination>> | undefined;
  if (input.destinationId) {
    existing = await getDestination(access, input.destinationId);
    requireDestinationScope(access, existing);
  }
  return json(await testConnection(input, existing));
});
