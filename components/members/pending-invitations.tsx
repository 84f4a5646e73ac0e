"use client";

import { useState } from "react";
import { RoleBadge, ScopeBadges } from "@/components/members/role-badge";
import { useInvitations, useRevokeInvitation } from "@/components/members/use-invitations";
import { Button } from "@/components/ui/button";
import { Confirm } from "@/components/ui/confirm";
import { Card, ErrorState, Spinner } from "@/components/ui/states";
import { Time } from "@/components/ui/time";
import type { InvitationHistoryView, InvitationView } from "@/lib/invitations/schema";

export function PendingInvitations() {
  const { data, error, isPending, refetch } = useInvitations();
  const revoke = useRevokeInvitation();
  const [target, setTarget] = useState<InvitationView | null>(null);

  return (
    <Card title="Pending invitations">
      {isPending ? (
        <Spinner label="Loading invitations" />
      ) : error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : data.invitations.length === 0 ? (
        <p className="text-sm text-slate-500">No pending invitations.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" aria-label="Pending invitations">
          {data.invitations.map((inv) => (
            <li key={inv.id} className="flex flex-wrap items-center gap-3 py-2.5">
              <span className="min-w-48 font-medium">{inv.email ?? "Anyone with the link"}</span>
              <RoleBadge role={inv.role} />
              {inv.role !== "owner" && <ScopeBadges labels={inv.labels} />}
              <span className="text-xs text-slate-500">
                expires <Time value={inv.expiresAt} />
              </span>
              <Button variant="ghost" size="sm" className="ml-auto" onClick={() => setTarget(inv)}>
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
      {revoke.error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {revoke.error.message}
        </p>
      )}
      <p className="mt-3 text-xs text-slate-500">
        Invitation links are bearer links: whoever holds one can join with its role, once, until it expires.
        Revoke a link you sent to the wrong place.
      </p>
      {data && data.history.length > 0 && <InvitationHistory history={data.history} />}
      <Confirm
        open={target !== null}
        title="Revoke this invitation?"
        confirmLabel="Revoke"
        danger
        pending={revoke.isPending}
        onCancel={() => setTarget(null)}
        onConfirm={() => target && revoke.mutate(target.id, { onSettled: () => setTarget(null) })}
      >
        The link stops working at once. You can create a new invitation later.
      </Confirm>
    </Card>
  );
}

const STATE_TEXT = { accepted: "Used", revoked: "Revoked", expired: "Expired" } as const;

/** Used, revoked and expired links, with who used each. */
function InvitationHistory({ history }: { history: InvitationHistoryView[] }) {
  return (
    <details className="mt-4 text-sm">
      <summary className="cursor-pointer font-medium text-slate-700">Used and closed invitations</summary>
      <table className="mt-2 w-full text-left" aria-label="Invitation history">
        <thead className="text-xs text-slate-500">
          <tr>
            <th className="py-1 font-medium">Invited</th>
            <th className="py-1 font-medium">Role</th>
            <th className="py-1 font-medium">State</th>
            <th className="py-1 font-medium">Used by</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {history.map((inv) => (
            <tr key={inv.id}>
              <td className="py-1.5">{inv.email ?? "Anyone with the link"}</td>
              <td className="py-1.5">
                <RoleBadge role={inv.role} />
              </td>
              <td className="py-1.5">
                {STATE_TEXT[inv.state]}{" "}
                <span className="text-xs text-slate-500">
                  <Time value={inv.acceptedAt ?? inv.revokedAt ?? inv.expiresAt} />
                </span>
              </td>
              <td className="py-1.5">
                {inv.acceptedBy ? (
                  <span title={inv.acceptedBy.email}>
                    {inv.acceptedBy.name}{" "}
                    <span className="text-xs text-slate-500">{inv.acceptedBy.email}</span>
                  </span>
                ) : inv.state === "accepted" ? (
                  <span className="text-slate-500">an account since deleted</span>
                ) : (
                  <span className="text-slate-400">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
