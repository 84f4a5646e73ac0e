"use client";

import { useState } from "react";
import { LabelScopeField } from "@/components/members/label-scope-field";
import { labelsError } from "@/components/members/labels";
import { useUpdateMember } from "@/components/members/use-members";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { ApiError } from "@/lib/api/client";
import type { MemberView } from "@/lib/members/schema";
import { ROLE_LABELS, ROLES, type Role } from "@/lib/rbac/permissions";

/** Inline role and label-scope editor for one member (owners only; the server checks again). */
export function MemberEditor({ member, onDone }: { member: MemberView; onDone: () => void }) {
  const update = useUpdateMember();
  const [role, setRole] = useState<Role>(member.role);
  const [labels, setLabels] = useState<string[]>(member.labels ?? []);
  const error = update.error instanceof ApiError ? update.error : null;

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    update.mutate({ id: member.id, role, labels: role === "owner" ? null : labels }, { onSuccess: onDone });
  }

  return (
    <form
      onSubmit={onSubmit}
      className="grid max-w-2xl gap-4 rounded-md bg-slate-50 p-4 sm:grid-cols-2"
      aria-label={`Edit ${member.name}`}
      noValidate
    >
      {error && !error.fields.length && (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700 sm:col-span-2">
          {error.message}
        </p>
      )}
      <SelectField
        label="Role"
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
      {role === "owner" ? (
        <p className="self-end text-sm text-slate-500">Owners can see and change every label.</p>
      ) : (
        <LabelScopeField value={labels} onChange={setLabels} error={labelsError(error)} />
      )}
      <div className="flex gap-2 sm:col-span-2">
        <Button type="submit" size="sm" pending={update.isPending}>
          Save
        </Button>
        <Button variant="secondary" size="sm" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
