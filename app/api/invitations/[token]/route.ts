// GET /api/invitations/:token - what the link invites to (no session needed); 404 unknown, 410 used/revoked/expired
// POST /api/invitations/:token - the signed-in user joins with the invited role and labels
import { json, withUser } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { publicInvitationRoute, withGone } from "@/lib/invitations/http";
import { acceptInvitation, publicInvitation } from "@/lib/invitations/service";
import { parseLabels } from "@/lib/rbac/scope";

export const GET = publicInvitationRoute(async ({ token }) => {
  const { workspaceId: _, ...invitation } = await publicInvitation(token);
  return json({ invitation });
});

export const POST = withUser(({ params, user }) =>
  withGone(async () => {
    const { invitation, workspace, membership } = await acceptInvitation(params.token ?? "", user);
    const labels = parseLabels(membership.labels);
    await audit(
      { user, workspace },
      {
        action: "member.joined",
        targetType: "member",
        targetId: membership.id,
        targetName: user.email,
        after: { role: membership.role, labels, invitationId: invitation.id },
      },
    );
    return json(
      { workspace: { name: workspace.name, slug: workspace.slug }, role: membership.role, labels },
      201,
    );
  }),
);
