// POST /api/invitations/:token/signup - create an account and join in one step (works with SIGNUP_ENABLED=false)

import { readJson } from "@/lib/api/body";
import { json } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { rationedSignup } from "@/lib/auth/throttle";
import { publicInvitationRoute } from "@/lib/invitations/http";
import { invitationSignup } from "@/lib/invitations/schema";
import { signupWithInvitation } from "@/lib/invitations/service";
import { parseLabels } from "@/lib/rbac/scope";

// The invitation is the permission to create an account, so public sign-up is not consulted.
export const POST = publicInvitationRoute(async ({ req, token }) => {
  // "An account with this email already exists" is rationed per address, as on public sign-up.
  const { user, invitation, workspace, membership } = await rationedSignup(req.headers, async () =>
    signupWithInvitation(token, await readJson(req, invitationSignup, 16 * 1024)),
  );
  const labels = parseLabels(membership.labels);
  await audit(
    { user, workspace },
    {
      action: "member.joined",
      targetType: "member",
      targetId: membership.id,
      targetName: user.email,
      after: { role: membership.role, labels, invitationId: invitation.id, newAccount: true },
    },
  );
  return json(
    { workspace: { name: workspace.name, slug: workspace.slug }, role: membership.role, labels },
    201,
  );
});
