import { sessionProblem } from "@/lib/auth/sessions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { type Action, can, isRole } from "@/lib/rbac/permissions";
import { inScope, parseLabels } from "@/lib/rbac/scope";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// An open Server-Sent Events stream outlives the request that was authorized, so it re-checks
// every STREAM_RECHECK_MS that the session is still valid (not signed out everywhere, not past
// its absolute lifetime) and that the membership still allows the action (and the label); when
// not, the stream closes. The browser's reconnect then gets the 401/403/404 a new request gets.

export const STREAM_RECHECK_MS = 2000;

/** Whether `access` (as resolved when the stream opened) still holds now. */
export async function stillAllowed(
  access: WorkspaceAccess,
  action: Action,
  label?: string,
): Promise<boolean> {
  const session = access.user.session;
  if (!session) return false;
  const ended = await sessionProblem(
    { sub: access.user.id, sv: session.sv, authAt: session.authAt },
    env().SESSION_ABSOLUTE_HOURS,
  );
  if (ended) return false;
  const membership = await db.membership.findUnique({
    where: { id: access.membershipId },
    select: { role: true, labels: true, userId: true },
  });
  if (!membership || membership.userId !== access.user.id || !isRole(membership.role)) return false;
  if (!can(membership.role, action)) return false;
  const labels = membership.role === "owner" ? null : parseLabels(membership.labels);
  return label === undefined || inScope(labels, label);
}

/** A signal that aborts when the request does or when `access` no longer allows `action`. */
export function watchAccess(
  access: WorkspaceAccess,
  action: Action,
  request: AbortSignal,
  opts: { label?: string; everyMs?: number } = {},
): AbortSignal {
  // One controller both causes abort (not AbortSignal.any, whose result Node may collect while
  // the stream still listens to it).
  const combined = new AbortController();
  let checking = false;
  const timer = setInterval(async () => {
    if (checking || combined.signal.aborted) return;
    checking = true;
    try {
      if (!(await stillAllowed(access, action, opts.label))) combined.abort();
    } catch (err) {
      console.error("[switchyard] stream access re-check failed:", err);
    } finally {
      checking = false;
    }
  }, opts.everyMs ?? STREAM_RECHECK_MS);
  combined.signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  if (request.aborted) combined.abort();
  else request.addEventListener("abort", () => combined.abort(), { once: true });
  return combined.signal;
}
