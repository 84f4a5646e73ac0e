"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { DestinationControls } from "@/components/destinations/destination-controls";
import { SettingsForm } from "@/components/destinations/settings-form";
import { errorAt, initialValues, settingsPayload } from "@/components/destinations/settings-values";
import { SourcePicker } from "@/components/destinations/source-picker";
import { useDestination, useUpdateDestination } from "@/components/destinations/use-destinations";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Card, ErrorState, Spinner } from "@/components/ui/states";
import { ApiError } from "@/lib/api/client";
import { getDestinationType } from "@/lib/catalog";
import type { DestinationView } from "@/lib/destinations/queries";

/** The Settings tab: name, sources and settings in one form; status and delete below it. */
export function DestinationSettings({ destinationId }: { destinationId: string }) {
  const { data, error, isPending, refetch } = useDestination(destinationId);
  const [version, setVersion] = useState(0);
  if (isPending) return <Spinner label="Loading settings" />;
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  return (
    <div className="max-w-2xl space-y-6">
      {/* Remount after each save so secret inputs go back to "unchanged" with the new masked view. */}
      <GeneralForm
        key={version}
        destination={data}
        saved={version > 0}
        onSaved={() => setVersion((v) => v + 1)}
      />
      <DestinationControls destination={data} />
    </div>
  );
}

function GeneralForm({
  destination,
  saved,
  onSaved,
}: {
  destination: DestinationView;
  saved: boolean;
  onSaved: () => void;
}) {
  const router = useRouter();
  const update = useUpdateDestination(destination.id);
  const type = getDestinationType(destination.type);
  const fields = type?.fields ?? [];
  const [name, setName] = useState(destination.name);
  const [sourceIds, setSourceIds] = useState(destination.sources.map((s) => s.id));
  const [values, setValues] = useState(() => initialValues(fields, destination.settings ?? {}));
  const editable = destination.canEdit;
  const error = update.error instanceof ApiError ? update.error : null;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const ok = await update
      .mutateAsync({ name, sourceIds, ...(type ? { settings: settingsPayload(fields, values) } : {}) })
      .then(() => true)
      .catch(() => false);
    if (ok) {
      onSaved();
      router.refresh(); // the layout header shows the name
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-6" noValidate>
      {!editable && (
        <p className="rounded-md bg-slate-50 p-3 text-sm text-slate-600">
          You can view this destination but your role or environment access does not let you change it. Secret
          settings are never shown.
        </p>
      )}
      {error && !error.fields.length && (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
          {error.message}
        </p>
      )}
      <fieldset disabled={!editable} className="space-y-6">
        <Card title="General">
          <div className="space-y-4">
            <TextField
              label="Name"
              name="name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              error={error?.field("name")}
            />
            <SourcePicker
              selected={sourceIds}
              onChange={setSourceIds}
              disabled={!editable}
              error={errorAt(error?.fields, "sourceIds")}
            />
          </div>
        </Card>
        <Card title={`${type?.name ?? destination.typeName} settings`}>
          {type ? (
            <SettingsForm
              fields={fields}
              values={values}
              onChange={setValues}
              errors={error?.fields}
              disabled={!editable}
            />
          ) : (
            <p className="text-sm text-slate-600">
              The type “{destination.type}” is no longer in the catalog, so its settings cannot be edited.
            </p>
          )}
        </Card>
      </fieldset>
      {editable && (
        <div className="flex items-center gap-3">
          <Button type="submit" pending={update.isPending}>
            Save changes
          </Button>
          {saved && !update.isPending && !update.error && (
            <span role="status" className="text-sm text-emerald-700">
              Saved
            </span>
          )}
        </div>
      )}
    </form>
  );
}
