"use client";

import { Button } from "@/components/ui/button";
import { NameField } from "@/components/ui/name-field";
import { useCreateWorkspace } from "@/components/welcome/use-workspaces";
import { ApiError } from "@/lib/api/client";

export function CreateWorkspaceForm({ autoFocus }: { autoFocus?: boolean }) {
  const create = useCreateWorkspace();
  const error = create.error instanceof ApiError ? create.error : null;

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get("name") ?? "");
    // A full navigation, so the console layout loads the new workspace and its switcher entry.
    create.mutate({ name }, { onSuccess: (w) => window.location.assign(`/${w.slug}`) });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {error && !error.fields.length && (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
          {error.message}
        </p>
      )}
      <NameField
        kind="workspace"
        label="Workspace name"
        name="name"
        required
        autoFocus={autoFocus}
        placeholder="e.g. Acme Analytics"
        help="You will be its owner. You can rename it later."
        error={error?.field("name")}
      />
      <Button type="submit" className="w-full" pending={create.isPending || create.isSuccess}>
        Create workspace
      </Button>
    </form>
  );
}
