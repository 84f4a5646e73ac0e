"use client";

import { useState } from "react";
import { SourceList } from "@/components/setup/source-list";
import { Note, StepCard } from "@/components/setup/step-card";
import { usePublishSource } from "@/components/setup/use-setup";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { SelectField } from "@/components/ui/field";
import { NameField } from "@/components/ui/name-field";
import { ApiError } from "@/lib/api/client";
import type { SourceBrief } from "@/lib/use-cases/types";

/** Prod step 1: copy a dev source to a new prod source; its write key is shown once, here. */
export function ProdSourceStep({
  devSources,
  prodSources,
  canEdit,
  reviewed,
}: {
  devSources: SourceBrief[];
  prodSources: SourceBrief[];
  canEdit: boolean;
  reviewed: boolean;
}) {
  const publish = usePublishSource();
  const [open, setOpen] = useState(false);
  const [sourceId, setSourceId] = useState("");
  const [name, setName] = useState("");
  const chosen = devSources.find((s) => s.id === (sourceId || devSources[0]?.id));
  const created = publish.data;
  const error = publish.error instanceof ApiError ? publish.error : null;
  return (
    <StepCard id="prod-source" number={1} title="Connect prod source" done={prodSources.length > 0}>
      <p className="text-slate-600">
        Choose a dev source to copy: the prod source gets the same type and settings, the label{" "}
        <code>prod</code> and its own write key.
      </p>
      {!devSources.length && <Note>Connect a dev source on the Dev tab first.</Note>}
      {canEdit && reviewed && devSources.length > 0 && !open && (
        <Button variant={prodSources.length ? "secondary" : "primary"} onClick={() => setOpen(true)}>
          {prodSources.length ? "Connect another prod source" : "Connect prod source"}
        </Button>
      )}
      {canEdit && !reviewed && <Note>Review the suggested events on the Dev tab first.</Note>}
      {open && chosen && (
        <form
          className="max-w-md space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            publish.mutate(
              { sourceId: chosen.id, name: name.trim() || `${chosen.name} (prod)` },
              { onSuccess: () => setOpen(false) },
            );
          }}
        >
          <SelectField
            label="Dev source to copy"
            value={chosen.id}
            onChange={(e) => setSourceId(e.target.value)}
          >
            {devSources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
          <NameField
            kind="source"
            label="Prod source name"
            value={name}
            placeholder={`${chosen.name} (prod)`}
            onChange={(e) => setName(e.target.value)}
            error={error?.field("name")}
          />
          <div className="flex gap-2">
            <Button type="submit" pending={publish.isPending}>
              Create prod source
            </Button>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
      {error && !error.field("name") && (
        <p role="alert" className="text-sm text-red-700">
          {error.message}
        </p>
      )}
      {created && (
        <div
          className="rounded-md border border-emerald-200 bg-emerald-50 p-3"
          data-testid="prod-write-key-panel"
        >
          <p className="font-medium text-emerald-900">{created.source.name} created. Its write key:</p>
          <div className="mt-2 flex items-center gap-2">
            <code
              data-testid="prod-write-key"
              className="flex-1 rounded bg-white px-2 py-1 font-mono text-xs"
            >
              {created.writeKey}
            </code>
            <CopyButton value={created.writeKey} label="Copy write key" />
          </div>
          <p className="mt-2 text-xs text-emerald-900">
            Use it in your production build only; your dev build keeps the dev key.
          </p>
        </div>
      )}
      <SourceList env="prod" sources={prodSources} />
    </StepCard>
  );
}
