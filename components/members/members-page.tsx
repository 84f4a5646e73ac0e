"use client";

import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { InviteForm } from "@/components/members/invite-form";
import { MembersTable } from "@/components/members/members-table";
import { PendingInvitations } from "@/components/members/pending-invitations";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/states";

export function MembersPage() {
  const ws = useWorkspace();
  const canManage = ws.can("members.write");
  const [inviting, setInviting] = useState(false);

  return (
    <>
      <PageHeader
        title="Members"
        description={
          canManage
            ? "Who can use this workspace, with which role and which environment labels."
            : "Who can use this workspace. Only owners can invite members or change roles."
        }
        actions={
          canManage &&
          !inviting && (
            <Button onClick={() => setInviting(true)} aria-expanded={inviting}>
              Invite member
            </Button>
          )
        }
      />
      <div className="space-y-6">
        {canManage && inviting && <InviteForm onClose={() => setInviting(false)} />}
        <MembersTable />
        {canManage && <PendingInvitations />}
      </div>
    </>
  );
}
