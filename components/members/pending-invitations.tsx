"use client";

import { useState } from "react";
import { RoleBadge, ScopeBadges } from "@/components/members/role-badge";
import { useInvitations, useRevokeInvitation } from "@/components/members/use-invitations";
import { Button } from "@/components/ui/button";
import { Confirm } from "@/components/ui/confirm";
import { Card, ErrorState, Spinner } from "@/components/ui/states";
import type { InvitationView } from "@/lib/invitations/schema";

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
      ) : data.length === 0 ? (
        <p className="text-sm text-slate-500">No pending invitations.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" aria-label="Pending invitations">
          {data.map((inv) => (
            <li key={inv.id} className="flex flex-wrap items-center gap-3 py-2.5">
              <span className="min-w-48 font-medium">{inv.email ?? "Anyone with the link"}</span>
              <RoleBadge role={inv.role} />
              {inv.role !== "owner" && <ScopeBadges labels={inv.labels} />}
              <span className="text-xs text-slate-500">
                expires {new Date(inv.expiresAt).toLocaleDateString()}
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
