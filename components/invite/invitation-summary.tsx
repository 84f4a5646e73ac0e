import { RoleBadge, ScopeBadges } from "@/components/members/role-badge";
import { Time } from "@/components/ui/time";
import type { PublicInvitation } from "@/lib/invitations/schema";

export function InvitationSummary({ invitation }: { invitation: PublicInvitation }) {
  return (
    <div className="space-y-2">
      <h1 className="text-lg font-semibold">Join {invitation.workspace.name}</h1>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5 text-sm">
        <dt className="text-slate-500">Role</dt>
        <dd>
          <RoleBadge role={invitation.role} />
        </dd>
        {invitation.role !== "owner" && (
          <>
            <dt className="text-slate-500">Labels</dt>
            <dd>
              <ScopeBadges labels={invitation.labels} />
            </dd>
          </>
        )}
        <dt className="text-slate-500">Expires</dt>
        <dd>
          <Time value={invitation.expiresAt} />
        </dd>
      </dl>
    </div>
  );
}
