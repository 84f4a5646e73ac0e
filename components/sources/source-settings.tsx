"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { SourceProtocols } from "@/components/protocols/source-protocols";
import { useDeleteSource, useSource, useUpdateSource } from "@/components/sources/use-sources";
import { WriteKeyPanel } from "@/components/sources/write-key-panel";
import { Button } from "@/components/ui/button";
import { Confirm } from "@/components/ui/confirm";
import { TextField } from "@/components/ui/field";
import { NameField } from "@/components/ui/name-field";
import { Card, ErrorState, Spinner } from "@/components/ui/states";
import { ApiError } from "@/lib/api/client";

export function SourceSettings({ sourceId }: { sourceId: string }) {
  const ws = useWorkspace();
  const router = useRouter();
  const { data: source, error, isPending, refetch } = useSource(sourceId);
  const update = useUpdateSource(sourceId);
  const remove = useDeleteSource(sourceId);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [saved, setSaved] = useState(false);
  if (isPending) return <Spinner label="Loading settings" />;
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  const editable = source.canEdit;
  const formError = update.error instanceof ApiError ? update.error : null;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setSaved(false);
    const ok = await update
      .mutateAsync({
        name: String(form.get("name")),
        environment: String(form.get("environment")),
        websiteUrl: String(form.get("websiteUrl") ?? ""),
      })
      .then(() => true)
      .catch(() => false);
    if (ok) {
      setSaved(true);
      router.refresh();
    }
  }

  return (
    <div className="max-w-2xl space-y-6">
      <Card title="General">
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          {!editable && (
            <p className="text-sm text-slate-600">You can view this source but your role cannot change it.</p>
          )}
          {formError && !formError.fields.length && (
            <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
              {formError.message}
            </p>
          )}
          <fieldset disabled={!editable} className="space-y-4">
            <NameField
              kind="source"
              name="name"
              defaultValue={source.name}
              required
              error={formError?.field("name")}
            />
            <TextField
              label="Environment label"
              name="environment"
              defaultValue={source.environment}
              required
              error={formError?.field("environment")}
            />
            <TextField
              label="Website URL (optional)"
              name="websiteUrl"
              type="url"
              defaultValue={source.websiteUrl ?? ""}
              error={formError?.field("websiteUrl")}
            />
          </fieldset>
          {editable && (
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
          )}
        </form>
      </Card>

      <Card title="Status">
        <div className="flex items-center justify-between gap-4 text-sm">
          <p className="text-slate-600">
            {source.enabled
              ? "Enabled: the tracking API accepts events sent with this source's write key."
              : "Disabled: events sent with this source's write key are refused with 403."}
          </p>
          {editable && (
            <Button
              variant="secondary"
              pending={update.isPending}
              onClick={() =>
                update.mutate({ enabled: !source.enabled }, { onSuccess: () => router.refresh() })
              }
            >
              {source.enabled ? "Disable source" : "Enable source"}
            </Button>
          )}
        </div>
      </Card>

      <WriteKeyPanel source={source} />
      <SourceProtocols sourceId={sourceId} editable={editable} />

      {editable && (
        <Card title="Danger zone">
          <div className="flex items-center justify-between gap-4 text-sm">
            <p className="text-slate-600">
              Deleting a source disconnects it from its destinations. Its write key stops working.
            </p>
            <Button variant="danger" onClick={() => setConfirmDelete(true)}>
              Delete source
            </Button>
          </div>
          <Confirm
            open={confirmDelete}
            title={`Delete ${source.name}?`}
            confirmLabel="Delete source"
            danger
            pending={remove.isPending}
            onCancel={() => setConfirmDelete(false)}
            onConfirm={() =>
              remove.mutate(undefined, { onSuccess: () => router.push(`/${ws.slug}/sources`) })
            }
          >
            This cannot be undone.
          </Confirm>
        </Card>
      )}
    </div>
  );
}
