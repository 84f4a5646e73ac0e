"use client";

import { useState } from "react";
import { LabelScopeField } from "@/components/members/label-scope-field";
import { labelsError } from "@/components/members/labels";
import { RoleBadge } from "@/components/members/role-badge";
import { useCreateInvitation } from "@/components/members/use-invitations";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { SelectField, TextField } from "@/components/ui/field";
import { Card } from "@/components/ui/states";
import { Time } from "@/components/ui/time";
import { ApiError } from "@/lib/api/client";
import type { InvitationView } from "@/lib/invitations/schema";
import { ROLE_LABELS, ROLES, type Role } from "@/lib/rbac/permissions";

/** Create an invitation, then show its link once: only its hash is stored, so it cannot be shown again. */
export function InviteForm({ onClose }: { onClose: () => void }) {
  const create = useCreateInvitation();
  const [role, setRole] = useState<Role>("read_only");
  const [labels, setLabels] = useState<string[]>([]);
  const [created, setCreated] = useState<{ invitation: InvitationView; link: string } | null>(null);
  const error = create.error instanceof ApiError ? create.error : null;

  if (created) return <InviteLink {...created} onAnother={() => setCreated(null)} onClose={onClose} />;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget).get("email") ?? "");
    const result = await create
      .mutateAsync({ email, role, labels: role === "owner" ? null : labels })
      .catch(() => null);
    if (result) {
      setCreated(result);
      setLabels([]);
    }
  }

  return (
    <Card title="Invite a member">
      <form onSubmit={onSubmit} className="max-w-lg space-y-4" noValidate>
        {error && !error.fields.length && (
          <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
            {error.message}
          </p>
        )}
        <SelectField
          label="Role"
          name="role"
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
          error={error?.field("role")}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </SelectField>
        {role !== "owner" && (
          <LabelScopeField value={labels} onChange={setLabels} error={labelsError(error)} />
        )}
        <TextField
          label="Email (optional)"
          name="email"
          type="email"
          autoComplete="off"
          help="Only this address can accept. Leave empty for a link anyone can use once."
          error={error?.field("email")}
        />
        <div className="flex gap-2">
          <Button type="submit" pending={create.isPending}>
            Create invitation link
          </Button>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}

function InviteLink({
  invitation,
  link,
  onAnother,
  onClose,
}: {
  invitation: InvitationView;
  link: string;
  onAnother: () => void;
  onClose: () => void;
}) {
  return (
    <section
      role="status"
      aria-label="Invitation link"
      className="space-y-3 rounded-lg border border-emerald-200 bg-emerald-50 p-5 text-sm text-emerald-900"
    >
      <p className="font-medium">
        Invitation created{invitation.email ? ` for ${invitation.email}` : ""}:{" "}
        <RoleBadge role={invitation.role} />
      </p>
      <p>
        Copy this link and send it yourself. It is shown only now, works once, and expires on{" "}
        <Time value={invitation.expiresAt} />.
      </p>
      <p data-testid="bearer-warning">
        <strong>Treat it like a password:</strong> this is a bearer link. Whoever opens it first joins{" "}
        {invitation.email ? "(by signing up with the invited address) " : ""}as{" "}
        {invitation.role.replace("_", " ")}. Send it only over a channel you trust; you can revoke it under
        Pending invitations, and see there who used it.
      </p>
      <div className="flex items-center gap-2">
        <label htmlFor="invite-link" className="sr-only">
          Invitation link
        </label>
        <input
          id="invite-link"
          data-testid="invite-link"
          readOnly
          value={link}
          onFocus={(e) => e.currentTarget.select()}
          className="flex-1 rounded-md border border-emerald-300 bg-white px-3 py-2 font-mono text-xs text-slate-800"
        />
        <CopyButton value={link} label="Copy link" />
      </div>
      <div className="flex gap-2">
        <Button variant="secondary" size="sm" onClick={onAnother}>
          Invite someone else
        </Button>
        <Button variant="ghost" size="sm" onClick={onClose}>
          Done
        </Button>
      </div>
    </section>
  );
}
