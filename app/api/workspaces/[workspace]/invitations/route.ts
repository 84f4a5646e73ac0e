// GET /api/workspaces/:workspace/invitations - pending invitations (never their tokens) and the history: who used each link
// POST /api/workspaces/:workspace/invitations - create one; answers with the link, shown this once
import { readJson } from "@/lib/api/body";
import { json, secretJson, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { invitationInput } from "@/lib/invitations/schema";
import {
  createInvitation,
  inviteLink,
  listInvitationHistory,
  listPendingInvitations,
} from "@/lib/invitations/service";

export const GET = withWorkspace("members.write", async ({ access }) => {
  const [invitations, history] = await Promise.all([
    listPendingInvitations(access.workspace.id),
    listInvitationHistory(access.workspace.id),
  ]);
  return json({ invitations, history });
});

export const POST = withWorkspace("members.write", async ({ req, access }) => {
  const input = await readJson(req, invitationInput, 16 * 1024);
  const { invitation, token } = await createInvitation(access.workspace.id, access.user.id, input);
  await audit(access, {
    action: "invitation.created",
    targetType: "invitation",
    targetId: invitation.id,
    targetName: invitation.email ?? undefined,
    after: {
      email: invitation.email,
      role: invitation.role,
      labels: invitation.labels,
      expiresAt: invitation.expiresAt,
    },
  });
  return secretJson({ invitation, link: inviteLink(token) }, 201);
});
