import { hashPassword } from "@/lib/auth/password";
import type { SessionUser } from "@/lib/auth/session";
import { randomToken, sha256 } from "@/lib/crypto/secrets";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, conflict, notFound } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type {
  InvitationHistoryView,
  InvitationInput,
  InvitationView,
  PublicInvitation,
} from "@/lib/invitations/schema";
import { invitationInput } from "@/lib/invitations/schema";
import { INVITATION_TTL_MS, InvitationGone, invitationState } from "@/lib/invitations/state";
import { resolveScope, storeLabels } from "@/lib/members/rules";
import type { Role } from "@/lib/rbac/permissions";
import { parseLabels } from "@/lib/rbac/scope";

// Invitations are links, not mail: the token is shown once to the owner who creates it and only
// its SHA-256 is stored, so a database leak does not hand out working links.

interface InvitationRow {
  id: string;
  email: string | null;
  role: string;
  labels: string | null;
  expiresAt: Date;
  createdAt: Date;
}

export function toInvitationView(row: InvitationRow): InvitationView {
  const labels = parseLabels(row.labels);
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    labels: labels ? [...labels] : null,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

export const inviteLink = (token: string) => `${env().PUBLIC_URL}/invite/${token}`;

export async function createInvitation(workspaceId: string, createdById: string, raw: InvitationInput) {
  const input = invitationInput.parse(raw);
  const labels = resolveScope(input.role, input.labels ?? undefined);
  if (input.email) {
    const member = await db.membership.findFirst({ where: { workspaceId, user: { email: input.email } } });
    if (member) throw conflict("This person is already a member of the workspace", "email");
  }
  const token = randomToken(32);
  const row = await db.invitation.create({
    data: {
      workspaceId,
      tokenHash: sha256(token),
      email: input.email ?? null,
      role: input.role,
      labels: storeLabels(labels),
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      createdById,
    },
  });
  return { invitation: toInvitationView(row), token };
}

export async function listPendingInvitations(workspaceId: string): Promise<InvitationView[]> {
  const rows = await db.invitation.findMany({
    where: { workspaceId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map(toInvitationView);
}

/** The newest used, revoked and expired invitations, with who used each (the link is a bearer link). */
export async function listInvitationHistory(
  workspaceId: string,
  limit = 50,
): Promise<InvitationHistoryView[]> {
  const rows = await db.invitation.findMany({
    where: {
      workspaceId,
      OR: [{ acceptedAt: { not: null } }, { revokedAt: { not: null } }, { expiresAt: { lte: new Date() } }],
    },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  const ids = [...new Set(rows.map((r) => r.acceptedBy).filter((id): id is string => Boolean(id)))];
  const users = await db.user.findMany({
    where: { id: { in: ids } },
    select: { id: true, name: true, email: true },
  });
  const byId = new Map(users.map((u) => [u.id, u]));
  return rows.map((row) => {
    const user = row.acceptedBy ? byId.get(row.acceptedBy) : undefined;
    return {
      ...toInvitationView(row),
      state: invitationState(row) as InvitationHistoryView["state"],
      acceptedAt: row.acceptedAt?.toISOString() ?? null,
      acceptedBy: user ? { name: user.name, email: user.email } : null,
      revokedAt: row.revokedAt?.toISOString() ?? null,
    };
  });
}

export async function revokeInvitation(workspaceId: string, id: string): Promise<InvitationView> {
  const row = await db.invitation.findFirst({ where: { id, workspaceId } });
  if (!row) throw notFound("Invitation not found");
  const state = invitationState(row);
  if (state !== "pending") throw conflict(`This invitation is already ${state}`);
  return toInvitationView(await db.invitation.update({ where: { id }, data: { revokedAt: new Date() } }));
}

type Client = Prisma.TransactionClient | typeof db;

/** The invitation behind a link: 404 when unknown, InvitationGone (410) when no longer usable. */
async function findUsable(client: Client, token: string) {
  // Tokens are 43 characters; anything much longer is not worth hashing.
  const row =
    token.length <= 128
      ? await client.invitation.findUnique({
          where: { tokenHash: sha256(token) },
          include: { workspace: { select: { id: true, name: true, slug: true } } },
        })
      : null;
  if (!row) throw notFound("This invitation link is not valid. Check that you copied all of it.");
  const state = invitationState(row);
  if (state !== "pending") throw new InvitationGone(state, row.workspace.name);
  return row;
}

export async function publicInvitation(token: string): Promise<PublicInvitation & { workspaceId: string }> {
  const row = await findUsable(db, token);
  const view = toInvitationView(row);
  return { ...view, workspace: { name: row.workspace.name }, workspaceId: row.workspaceId, state: "pending" };
}

function checkAddressee(invited: string | null, email: string) {
  if (invited && invited !== email.toLowerCase()) {
    const message = `This invitation was sent to ${invited}. Use that address to accept it.`;
    throw new AppError("forbidden", message, [{ path: "email", message }]);
  }
}

/** Joins as the invited role and labels, once: the invitation is marked used in the same transaction. */
async function join(tx: Prisma.TransactionClient, token: string, user: { id: string; email: string }) {
  const inv = await findUsable(tx, token);
  checkAddressee(inv.email, user.email);
  const existing = await tx.membership.findUnique({
    where: { userId_workspaceId: { userId: user.id, workspaceId: inv.workspaceId } },
  });
  if (existing) throw conflict("You are already a member of this workspace");
  const membership = await tx.membership.create({
    data: { userId: user.id, workspaceId: inv.workspaceId, role: inv.role, labels: inv.labels },
  });
  await tx.invitation.update({
    where: { id: inv.id },
    data: { acceptedAt: new Date(), acceptedBy: user.id },
  });
  return { invitation: inv, workspace: inv.workspace, membership };
}

export function acceptInvitation(token: string, user: SessionUser) {
  return db.$transaction((tx) => join(tx, token, user));
}

/** Creates the account and the membership together; works with public sign-up turned off. */
export async function signupWithInvitation(
  token: string,
  input: { name: string; email: string; password: string },
) {
  const invited = await findUsable(db, token);
  checkAddressee(invited.email, input.email);
  const passwordHash = await hashPassword(input.password); // slow on purpose: outside the transaction
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } }))
      throw conflict("An account with this email already exists. Sign in to accept the invitation.", "email");
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash },
      select: { id: true, email: true, name: true },
    });
    return { user, ...(await join(tx, token, user)) };
  });
}

export type InvitationLookup =
  | { kind: "ok"; invitation: PublicInvitation & { workspaceId: string } }
  | { kind: "invalid" | "gone"; message: string };

/** For the invitation page: the invitation, or why the link cannot be used, without throwing. */
export async function describeInvitation(token: string): Promise<InvitationLookup> {
  try {
    return { kind: "ok", invitation: await publicInvitation(token) };
  } catch (err) {
    if (err instanceof InvitationGone) return { kind: "gone", message: err.message };
    if (err instanceof AppError && err.status === 404) return { kind: "invalid", message: err.message };
    throw err;
  }
}

/** The slug of the workspace if the user already belongs to it. */
export async function memberSlug(userId: string, workspaceId: string): Promise<string | null> {
  const m = await db.membership.findFirst({
    where: { userId, workspaceId },
    select: { workspace: { select: { slug: true } } },
  });
  return m?.workspace.slug ?? null;
}
