import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { lastOwnerConflict, nextMembership, storeLabels } from "@/lib/members/rules";
import type { MemberView } from "@/lib/members/schema";
import type { Role } from "@/lib/rbac/permissions";
import type { LabelScope } from "@/lib/rbac/scope";
import { parseLabels } from "@/lib/rbac/scope";

// Memberships of a workspace. Changes that could leave a workspace without an owner run in a
// transaction and check the owner count after the write, so two owners demoting each other at
// the same moment cannot both succeed (the SQLite adapter serializes transactions).

const withUser = { user: { select: { id: true, name: true, email: true } } } as const;

interface MembershipRow {
  id: string;
  userId: string;
  role: string;
  labels: string | null;
  createdAt: Date;
  user: { name: string; email: string };
}

export function toMemberView(row: MembershipRow): MemberView {
  const role = row.role as Role;
  const labels = role === "owner" ? null : parseLabels(row.labels);
  return {
    id: row.id,
    userId: row.userId,
    name: row.user.name,
    email: row.user.email,
    role,
    labels: labels ? [...labels] : null,
    joinedAt: row.createdAt.toISOString(),
  };
}

/** What the audit log keeps about a membership: enough to read a change, nothing more. */
export const auditView = (m: MemberView) => ({ role: m.role, labels: m.labels });

export async function listMembers(workspaceId: string): Promise<MemberView[]> {
  const rows = await db.membership.findMany({
    where: { workspaceId },
    include: withUser,
    orderBy: { createdAt: "asc" },
  });
  return rows.map(toMemberView);
}

/** A membership of this workspace, or 404 (also for ids that belong to another workspace). */
export async function getMember(workspaceId: string, memberId: string): Promise<MemberView> {
  const row = await db.membership.findFirst({ where: { id: memberId, workspaceId }, include: withUser });
  if (!row) throw notFound("Member not found");
  return toMemberView(row);
}

export async function updateMember(
  workspaceId: string,
  memberId: string,
  input: { role?: Role; labels?: LabelScope },
): Promise<{ before: MemberView; after: MemberView }> {
  return db.$transaction(async (tx) => {
    const row = await tx.membership.findFirst({ where: { id: memberId, workspaceId }, include: withUser });
    if (!row) throw notFound("Member not found");
    const before = toMemberView(row);
    const next = nextMembership(before, input);
    const updated = await tx.membership.update({
      where: { id: row.id },
      data: { role: next.role, labels: storeLabels(next.labels) },
      include: withUser,
    });
    if ((await tx.membership.count({ where: { workspaceId, role: "owner" } })) === 0)
      throw lastOwnerConflict();
    return { before, after: toMemberView(updated) };
  });
}

export async function removeMember(workspaceId: string, memberId: string): Promise<MemberView> {
  return db.$transaction(async (tx) => {
    const row = await tx.membership.findFirst({ where: { id: memberId, workspaceId }, include: withUser });
    if (!row) throw notFound("Member not found");
    await tx.membership.delete({ where: { id: row.id } });
    if ((await tx.membership.count({ where: { workspaceId, role: "owner" } })) === 0)
      throw lastOwnerConflict();
    // Removed from their last workspace: every session of theirs ends (lib/auth/sessions.ts).
    if ((await tx.membership.count({ where: { userId: row.userId } })) === 0)
      await tx.user.update({ where: { id: row.userId }, data: { sessionVersion: { increment: 1 } } });
    return toMemberView(row);
  });
}
