// PATCH /api/workspaces/:workspace/members/:memberId - change role and/or label scope (owners)
// DELETE /api/workspaces/:workspace/members/:memberId - remove a member, or leave (anyone, for themselves)
import { readJson } from "@/lib/api/body";
import { json, withWorkspace } from "@/lib/api/with-workspace";
import { audit } from "@/lib/audit";
import { memberUpdate } from "@/lib/members/schema";
import { auditView, removeMember, updateMember } from "@/lib/members/service";

export const PATCH = withWorkspace("members.write", async ({ req, params, access }) => {
  const input = await readJson(req, memberUpdate, 16 * 1024);
  const { before, after } = await updateMember(access.workspace.id, params.memberId ?? "", input);
  // Saving an unchanged form is not an event worth a line in the audit log.
  if (JSON.stringify(auditView(before)) !== JSON.stringify(auditView(after))) {
    await audit(access, {
      action: "member.updated",
      targetType: "member",
      targetId: after.id,
      targetName: after.email,
      before: auditView(before),
      after: auditView(after),
    });
  }
  return json({ member: after });
});

// Leaving needs no permission beyond membership; removing someone else needs members.write.
export const DELETE = withWorkspace("workspace.read", async ({ params, access }) => {
  const leaving = params.memberId === access.membershipId;
  if (!leaving) access.require("members.write");
  const removed = await removeMember(access.workspace.id, params.memberId ?? "");
  await audit(access, {
    action: leaving ? "member.left" : "member.removed",
    targetType: "member",
    targetId: removed.id,
    targetName: removed.email,
    before: auditView(removed),
  });
  return json({ deleted: true, left: leaving });
});
