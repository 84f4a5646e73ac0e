// DELETE /api/workspaces/:workspace/invitations/:invitationId - revoke a pending invitation; its link stops working
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { revokeInvitation } from "@/lib/invitations/service";

export const DELETE = withWorkspace("members.write", async ({ params, access }) => {
  const invitation = await revokeInvitation(access.workspace.id, params.invitationId ?? "");
  await audit(access, {
    action: "invitation.revoked",
    targetType: "invitation",
    targetId: invitation.id,
    targetName: invitation.email ?? undefined,
    before: { email: invitation.email, role: invitation.role, labels: invitation.labels },
  });
  return json({ revoked: true });
});
