"use client";

import { Fragment, useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { MemberEditor } from "@/components/members/member-editor";
import { RoleBadge, ScopeBadges } from "@/components/members/role-badge";
import { useMembers, useRemoveMember } from "@/components/members/use-members";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Confirm } from "@/components/ui/confirm";
import { EmptyState, ErrorState, Spinner } from "@/components/ui/states";
import { Time } from "@/components/ui/time";
import type { MemberView } from "@/lib/members/schema";

const LAST_OWNER_HINT = "The last owner cannot be demoted or removed. Make someone else an owner first.";

export function MembersTable() {
  const ws = useWorkspace();
  const canManage = ws.can("members.write");
  const { data, error, isPending, refetch } = useMembers();
  const remove = useRemoveMember();
  const [editing, setEditing] = useState<string | null>(null);
  const [removing, setRemoving] = useState<MemberView | null>(null);

  if (isPending) return <Spinner label="Loading members" />;
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  if (data.length === 0) return <EmptyState title="No members" />;
  const owners = data.filter((m) => m.role === "owner").length;
  const leaving = removing?.userId === ws.user.id;

  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm">
        <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
          <tr>
            <th className="px-4 py-2 font-medium">Name</th>
            <th className="px-4 py-2 font-medium">Role</th>
            <th className="px-4 py-2 font-medium">Label scope</th>
            <th className="px-4 py-2 font-medium">Joined</th>
            <th className="px-4 py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {data.map((m) => {
            const isYou = m.userId === ws.user.id;
            const lastOwner = m.role === "owner" && owners === 1;
            return (
              <Fragment key={m.id}>
                <tr>
                  <td className="px-4 py-2.5">
                    <span className="font-medium">{m.name}</span> {isYou && <Badge>you</Badge>}
                    <span className="block text-xs text-slate-500">{m.email}</span>
                  </td>
                  <td className="px-4 py-2.5">
                    <RoleBadge role={m.role} />
                  </td>
                  <td className="px-4 py-2.5">
                    <ScopeBadges labels={m.labels} />
                  </td>
                  <td className="px-4 py-2.5 text-slate-600">
                    <Time value={m.joinedAt} />
                  </td>
                  <td className="px-4 py-2.5 text-right whitespace-nowrap">
                    {canManage && editing !== m.id && (
                      <Button variant="ghost" size="sm" onClick={() => setEditing(m.id)}>
                        Change role
                      </Button>
                    )}
                    {(canManage || isYou) && (
                      <Button
                        variant="ghost"
                        size="sm"
                        disabled={lastOwner}
                        title={lastOwner ? LAST_OWNER_HINT : undefined}
                        onClick={() => setRemoving(m)}
                      >
                        {isYou ? "Leave" : "Remove"}
                      </Button>
                    )}
                  </td>
                </tr>
                {editing === m.id && (
                  <tr>
                    <td colSpan={5} className="px-4 pb-4">
                      <MemberEditor member={m} onDone={() => setEditing(null)} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {remove.error && (
        <p role="alert" className="border-t border-slate-100 p-3 text-sm text-red-700">
          {remove.error.message}
        </p>
      )}
      <Confirm
        open={removing !== null}
        title={leaving ? `Leave ${ws.name}?` : `Remove ${removing?.name ?? "member"}?`}
        confirmLabel={leaving ? "Leave workspace" : "Remove member"}
        danger
        pending={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.id, {
            onSuccess: () => (leaving ? window.location.assign("/") : setRemoving(null)),
            onError: () => setRemoving(null),
          })
        }
      >
        {leaving
          ? "You lose access at once. An owner can invite you again."
          : "They lose access to this workspace at once. Their past actions stay in the audit log."}
      </Confirm>
    </div>
  );
}
