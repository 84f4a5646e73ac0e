import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { periodQuery, resolveWindow, type Window } from "@/lib/metrics/period";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// What every Event Delivery route does first: the period from the query string (400 with a
// message written for people when invalid) and the destination, which must belong to the workspace (404
// otherwise, also for another workspace's ids).

export function windowFromRequest(req: Request, now = Date.now()): Window {
  // Empty parameters (?from=) mean "not given", as forms send them.
  const params = Object.fromEntries([...new URL(req.url).searchParams].filter(([, v]) => v !== ""));
  const parsed = periodQuery.safeParse(params);
  if (!parsed.success) {
    // The message is shown to people as is ("The start must be before the end"); the field path
    // stays in `fields` for programs.
    const fields = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new AppError("bad_request", fields[0]?.message ?? "Invalid time period", fields);
  }
  return resolveWindow(parsed.data, now);
}

export async function requireDestination(access: WorkspaceAccess, destinationId: string): Promise<string> {
  const row = await db.destination.findFirst({
    where: { id: destinationId, workspaceId: access.workspace.id },
    select: { id: true },
  });
  if (!row) throw notFound("Destination not found");
  return row.id;
}
