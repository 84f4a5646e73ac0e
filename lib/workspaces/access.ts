import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError, forbidden, notFound } from "@/lib/errors";
import { type Action, can, isRole, type Role } from "@/lib/rbac/permissions";
import { inScope, type LabelScope, parseLabels } from "@/lib/rbac/scope";

export interface WorkspaceAccess {
  user: SessionUser;
  workspace: { id: string; name: string; slug: string };
  role: Role;
  labels: LabelScope;
  membershipId: string;
  can(action: Action): boolean;
  /** Throws 403 unless the role allows `action`. */
  require(action: Action): void;
  /** Throws 403 unless the role allows `action` on something labelled `label`. */
  requireLabel(action: Action, label: string): void;
  inScope(label: string): boolean;
}

/** Resolves the user's membership of a workspace by slug. 404 (never 403) when not a member. */
export async function workspaceAccess(user: SessionUser, slug: string): Promise<WorkspaceAccess> {
  const membership = await db.membership.findFirst({
    where: { userId: user.id, workspace: { slug } },
    include: { workspace: { select: { id: true, name: true, slug: true } } },
  });
  if (!membership || !isRole(membership.role)) throw notFound("Workspace not found");
  const role = membership.role;
  const labels = role === "owner" ? null : parseLabels(membership.labels);
  const access: WorkspaceAccess = {
    user,
    workspace: membership.workspace,
    role,
    labels,
    membershipId: membership.id,
    can: (action) => can(role, action),
    require(action) {
      if (!can(role, action)) throw forbidden(`Your role (${role.replace("_", " ")}) cannot do ${action}`);
    },
    requireLabel(action, label) {
      access.require(action);
      if (!inScope(labels, label))
        throw new AppError("forbidden", `Your access is limited to ${labels?.join(", ")}; this is ${label}`);
    },
    inScope: (label) => inScope(labels, label),
  };
  return access;
}
