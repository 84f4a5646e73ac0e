"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { DestinationTypePicker } from "@/components/destinations/destination-type-picker";
import { SettingsForm } from "@/components/destinations/settings-form";
import { errorAt, initialValues, settingsPayload } from "@/components/destinations/settings-values";
import { SourcePicker } from "@/components/destinations/source-picker";
import { useCreateDestination } from "@/components/destinations/use-destinations";
import { useSources } from "@/components/sources/use-sources";
import { Button } from "@/components/ui/button";
import { NameField } from "@/components/ui/name-field";
import { Card, PageHeader } from "@/components/ui/states";
import { TestConnection } from "@/components/warehouses/test-connection";
import { ApiError } from "@/lib/api/client";
import { getDestinationType } from "@/lib/catalog";

// Add a destination: catalog -> sources -> name -> settings -> create. Presets from the URL let the
// guided setup jump in (?category=, ?source=, ?type=) and come back afterwards (?returnTo=).

export function NewDestination({
  presetCategory,
  presetSource,
  presetType,
  returnTo,
}: {
  presetCategory?: string;
  presetSource?: string;
  presetType?: string;
  returnTo?: string;
}) {
  const ws = useWorkspace();
  const router = useRouter();
  const create = useCreateDestination();
  const sources = useSources();
  const [type, setType] = useState(() => (presetType ? getDestinationType(presetType) : undefined));
  const [sourceIds, setSourceIds] = useState<string[]>(presetSource ? [presetSource] : []);
  const [name, setName] = useState(type?.name ?? "");
  const [values, setValues] = useState(() => initialValues(type?.fields ?? []));
  const [enabled, setEnabled] = useState(false);
  // A warehouse is saved only after Test connection passed with exactly these settings.
  const [tested, setTested] = useState<string | null>(null);
  const error = create.error instanceof ApiError ? create.error : null;

  function pick(id: string) {
    const next = getDestinationType(id);
    setType(next);
    setName(next?.name ?? "");
    setValues(initialValues(next?.fields ?? []));
    create.reset();
  }

  if (!type)
    return (
      <>
        <PageHeader title="Add destination" description="Choose where your events should go." />
        <DestinationTypePicker initialCategory={presetCategory} onPick={pick} />
      </>
    );

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!type) return;
    // A ?source= preset may name a source that is gone or outside the viewer's scope: drop it.
    const usable = sourceIds.filter((id) =>
      sources.data?.some((s) => s.id === id && ws.inScope(s.environment)),
    );
    const created = await create
      .mutateAsync({
        type: type.id,
        name,
        sourceIds: usable,
        enabled,
        settings: settingsPayload(type.fields, values),
      })
      .catch(() => null);
    if (created) router.push(returnTo ?? `/${ws.slug}/destinations/${created.destination.id}`);
  }

  const formLevel = error && !error.fields.length ? error.message : null;
  const payload = settingsPayload(type.fields, values);
  const needsTest = Boolean(type.warehouse) && tested !== JSON.stringify(payload);
  return (
    <>
      <PageHeader
        title={`Add ${type.name}`}
        description={
          <>
            {type.description}{" "}
            {type.docsUrl && (
              <a href={type.docsUrl} target="_blank" rel="noreferrer" className="text-brand-700 underline">
                {type.name} docs
              </a>
            )}
          </>
        }
      />
      <form onSubmit={onSubmit} className="max-w-2xl space-y-6" noValidate>
        {formLevel && (
          <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
            {formLevel}
          </p>
        )}
        <Card title="1. Connect sources">
          <p className="mb-3 text-sm text-slate-600">
            Events from the sources you tick are sent to {type.name}.
          </p>
          <SourcePicker
            selected={sourceIds}
            onChange={setSourceIds}
            error={errorAt(error?.fields, "sourceIds")}
          />
        </Card>
        <Card title="2. Name">
          <NameField
            kind="destination"
            label="Destination name"
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            help="Shown in lists and the audit log; unique in this workspace."
            error={error?.field("name")}
          />
        </Card>
        <Card title="3. Settings">
          <SettingsForm fields={type.fields} values={values} onChange={setValues} errors={error?.fields} />
        </Card>
        {type.warehouse && (
          <Card title="4. Test connection">
            <p className="mb-3 text-sm text-slate-600">
              Switchyard signs in with these settings and checks that it may create schemas (nothing is left
              behind).
            </p>
            <TestConnection
              type={type.id}
              settings={payload}
              onResult={(r) => setTested(r?.ok ? JSON.stringify(payload) : null)}
            />
          </Card>
        )}
        <div className="flex items-center gap-2">
          <input
            id="enable-now"
            type="checkbox"
            className="size-4 rounded border-slate-300"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
          />
          <label htmlFor="enable-now" className="text-sm text-slate-700">
            {type.warehouse
              ? "Enable now (scheduled syncs start; otherwise only Sync now loads it)"
              : "Enable now (otherwise it is created disabled and receives nothing until you enable it)"}
          </label>
        </div>
        <div className="flex gap-2">
          <Button type="submit" pending={create.isPending} disabled={needsTest}>
            Create destination
          </Button>
          {needsTest && <span className="self-center text-sm text-slate-500">Test the connection first</span>}
          <Button variant="secondary" onClick={() => setType(undefined)}>
            Choose another destination
          </Button>
        </div>
      </form>
    </>
  );
}
