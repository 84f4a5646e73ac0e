"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { DestinationControls } from "@/components/destinations/destination-controls";
import { SettingsForm } from "@/components/destinations/settings-form";
import {
  changedRoutingLabels,
  errorAt,
  initialValues,
  settingsPayload,
  storedSecretLabels,
} from "@/components/destinations/settings-values";
import { SourcePicker } from "@/components/destinations/source-picker";
import {
  type DestinationSaved,
  useDestination,
  useSaveWarnings,
  useUpdateDestination,
} from "@/components/destinations/use-destinations";
import { Button } from "@/components/ui/button";
import { NameField } from "@/components/ui/name-field";
import { Card, ErrorState, Spinner } from "@/components/ui/states";
import { TestConnection } from "@/components/warehouses/test-connection";
import { ApiError } from "@/lib/api/client";
import { getDestinationType } from "@/lib/catalog";
import type { DestinationView } from "@/lib/destinations/queries";

/** The Settings tab: name, sources and settings in one form; status and delete below it. */
export function DestinationSettings({ destinationId }: { destinationId: string }) {
  const { data, error, isPending, refetch } = useDestination(destinationId);
  const [version, setVersion] = useState(0);
  const warnings = useSaveWarnings(destinationId);
  if (isPending) return <Spinner label="Loading settings" />;
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  return (
    <div className="max-w-2xl space-y-6">
      {/* Remount after each save so secret inputs go back to "unchanged" with the new masked view. */}
      <GeneralForm
        key={version}
        destination={data}
        saved={version > 0}
        warnings={warnings}
        onSaved={() => setVersion((v) => v + 1)}
      />
      <DestinationControls destination={data} />
    </div>
  );
}

type SaveWarning = DestinationSaved["warnings"][number];

function GeneralForm({
  destination,
  saved,
  warnings,
  onSaved,
}: {
  destination: DestinationView;
  saved: boolean;
  warnings: SaveWarning[];
  onSaved: () => void;
}) {
  const router = useRouter();
  const update = useUpdateDestination(destination.id);
  const type = getDestinationType(destination.type);
  const fields = type?.fields ?? [];
  const [name, setName] = useState(destination.name);
  const [sourceIds, setSourceIds] = useState(destination.sources.map((s) => s.id));
  const [initial] = useState(() => initialValues(fields, destination.settings ?? {}));
  const [values, setValues] = useState(initial);
  const editable = destination.canEdit;
  // Moving the destination (URL, base URL, region) needs its stored secrets typed again or removed:
  // the server refuses otherwise, so the form says so and opens those inputs as soon as it happens.
  const stored = storedSecretLabels(fields, initial);
  const moved = changedRoutingLabels(fields, initial, values);
  const retype = stored.filter((label) => !moved.includes(label));
  const reenter = moved.length > 0 && retype.length > 0;
  const error = update.error instanceof ApiError ? update.error : null;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const saved = await update
      .mutateAsync({ name, sourceIds, ...(type ? { settings: settingsPayload(fields, values) } : {}) })
      .catch(() => null);
    if (saved) {
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
      {warnings.length > 0 && <SaveWarnings warnings={warnings} />}
      {error && !error.fields.length && (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
          {error.message}
        </p>
      )}
      <fieldset disabled={!editable} className="space-y-6">
        <Card title="General">
          <div className="space-y-4">
            <NameField
              kind="destination"
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
            <>
              {reenter && (
                <div role="status" className="mb-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
                  <p className="font-medium">
                    You changed {moved.join(" and ")}: requests will go somewhere else.
                  </p>
                  <p className="mt-1">
                    Stored secrets are only sent where they were entered for, so they are not carried over.
                    Type {retype.join(", ")} again below, or remove them, before saving.
                  </p>
                </div>
              )}
              <SettingsForm
                fields={fields}
                values={values}
                onChange={setValues}
                errors={error?.fields}
                disabled={!editable}
                storedSecrets={stored}
                reenter={reenter}
              />
              {type.warehouse && editable && (
                <div className="mt-4 border-t border-slate-100 pt-4">
                  <TestConnection
                    type={type.id}
                    settings={settingsPayload(fields, values)}
                    destinationId={destination.id}
                  />
                </div>
              )}
            </>
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

/** Saved, but worth a look: e.g. the endpoint's host did not resolve, so it could not be checked. */
function SaveWarnings({ warnings }: { warnings: SaveWarning[] }) {
  return (
    <div role="status" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">
      {warnings.map((w) => (
        <p key={w.path}>{w.message}</p>
      ))}
    </div>
  );
}
