"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { useUpdateWorkspace } from "@/components/settings/use-workspace-settings";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { NameField } from "@/components/ui/name-field";
import { Card, PageHeader } from "@/components/ui/states";
import { ApiError } from "@/lib/api/client";

export function WorkspaceSettings() {
  const ws = useWorkspace();
  const router = useRouter();
  const update = useUpdateWorkspace();
  const [slug, setSlug] = useState(ws.slug);
  const [saved, setSaved] = useState(false);
  const error = update.error instanceof ApiError ? update.error : null;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const name = String(new FormData(e.currentTarget).get("name") ?? "");
    const after = await update.mutateAsync({ name, slug }).catch(() => null);
    if (!after) return;
    // The slug is the URL: once it changes, the old address no longer exists.
    if (after.slug !== ws.slug) router.replace(`/${after.slug}/settings`);
    else {
      setSaved(true);
      router.refresh();
    }
  }

  return (
    <>
      <PageHeader title="Workspace settings" description="Only owners see this page." />
      <Card title="General">
        <form onSubmit={onSubmit} className="max-w-lg space-y-4" noValidate>
          {error && !error.fields.length && (
            <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
              {error.message}
            </p>
          )}
          <NameField
            kind="workspace"
            name="name"
            defaultValue={ws.name}
            required
            error={error?.field("name")}
          />
          <TextField
            label="Slug"
            name="slug"
            value={slug}
            onChange={(e) => setSlug(e.target.value)}
            required
            help={
              <>
                Console address: {ws.publicUrl}/{slug || "…"}. Changing it breaks bookmarks to the old
                address; write keys and the tracking API are not affected.
              </>
            }
            error={error?.field("slug")}
          />
          <div className="flex items-center gap-3">
            <Button type="submit" pending={update.isPending}>
              Save changes
            </Button>
            {saved && (
              <span role="status" className="text-sm text-emerald-700">
                Saved
              </span>
            )}
          </div>
        </form>
      </Card>
    </>
  );
}
