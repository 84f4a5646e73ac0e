"use client";

import Link from "next/link";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { useDestinations } from "@/components/destinations/use-destinations";
import {
  type FunctionDetail,
  useCreateInstance,
  useDeleteInstance,
  useUpdateInstance,
  webhookUrlApi,
} from "@/components/functions/use-functions";
import { useSources } from "@/components/sources/use-sources";
import { EnvironmentBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { TextField } from "@/components/ui/field";
import { NameField } from "@/components/ui/name-field";
import { Card, ErrorState } from "@/components/ui/states";
import { ApiError } from "@/lib/api/client";
import type { SettingDecl } from "@/lib/functions/schema";

// Where the deployed function runs, each place with its own settings values.

type Instance = FunctionDetail["instances"][number];

const TITLES = { source: "Sources", destination: "Destinations", insert: "Inserted into" };
const ADD = {
  source: "Create source",
  destination: "Create destination",
  insert: "Insert into a destination",
};

export function InstancesPanel({ fn }: { fn: FunctionDetail }) {
  const [adding, setAdding] = useState(false);
  const deployed = fn.deployedVersion !== null;
  return (
    <Card
      title={TITLES[fn.kind]}
      actions={
        fn.canEdit &&
        !adding && (
          <Button
            size="sm"
            onClick={() => setAdding(true)}
            disabled={!deployed}
            title={deployed ? undefined : "Deploy first"}
          >
            {ADD[fn.kind]}
          </Button>
        )
      }
    >
      {!deployed && <p className="mb-3 text-sm text-slate-600">Deploy the function to run it somewhere.</p>}
      {adding && <AddInstance fn={fn} onDone={() => setAdding(false)} />}
      {fn.instances.length === 0 && deployed && !adding && (
        <p className="text-sm text-slate-600">
          {fn.kind === "source"
            ? "No source runs this function yet. Create one to get its webhook URL."
            : fn.kind === "destination"
              ? "No destination runs this function yet."
              : "Not inserted into any destination yet."}
        </p>
      )}
      <ul className="divide-y divide-slate-100">
        {fn.instances.map((i) => (
          <InstanceRow key={i.id} fn={fn} instance={i} />
        ))}
      </ul>
    </Card>
  );
}

function InstanceRow({ fn, instance }: { fn: FunctionDetail; instance: Instance }) {
  const ws = useWorkspace();
  const [url, setUrl] = useState<string | null>(null);
  const [urlError, setUrlError] = useState<unknown>(null);
  const remove = useDeleteInstance(fn.id, instance.id);
  const urls = webhookUrlApi(ws, fn.id, instance.id);
  const target = instance.source
    ? { href: `/${ws.slug}/sources/${instance.source.id}/debugger`, name: instance.source.name }
    : instance.destination
      ? {
          href: `/${ws.slug}/destinations/${instance.destination.id}/delivery`,
          name: instance.destination.name,
        }
      : null;
  return (
    <li className="space-y-3 py-3" data-testid="instance">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm">
          {target && (
            <Link href={target.href} className="font-medium text-brand-700 hover:underline">
              {target.name}
            </Link>
          )}{" "}
          {instance.source && <EnvironmentBadge label={instance.source.environment} />}
        </p>
        {instance.canEdit && (
          <Button
            variant="ghost"
            size="sm"
            pending={remove.isPending}
            onClick={() => {
              const what = fn.kind === "insert" ? "Detach the function from" : "Delete";
              if (window.confirm(`${what} ${target?.name ?? "this instance"}?`)) remove.mutate();
            }}
          >
            {fn.kind === "insert" ? "Detach" : "Delete"}
          </Button>
        )}
      </div>
      {instance.webhookUrlHint && (
        <div className="rounded-md bg-slate-50 p-3">
          <p className="mb-1 text-xs font-semibold uppercase text-slate-500">Webhook URL</p>
          <code className="block break-all text-xs" data-testid="webhook-url">
            {url ?? instance.webhookUrlHint}
          </code>
          {instance.canEdit && (
            <div className="mt-2 flex gap-2">
              <Button
                variant="secondary"
                size="sm"
                onClick={() => urls.reveal().then(setUrl, setUrlError)}
                disabled={url !== null}
              >
                Reveal
              </Button>
              <CopyButton value={() => (url ? Promise.resolve(url) : urls.reveal())} label="Copy URL" />
              <Button
                variant="ghost"
                size="sm"
                onClick={() => {
                  if (window.confirm("Regenerate the URL? The current one stops working at once."))
                    urls.regenerate().then(setUrl, setUrlError);
                }}
              >
                Regenerate
              </Button>
            </div>
          )}
          {urlError ? <ErrorState error={urlError} /> : null}
        </div>
      )}
      <InstanceSettings fn={fn} instance={instance} />
    </li>
  );
}

function SettingInputs({
  decls,
  values,
  onChange,
  disabled,
  error,
}: {
  decls: SettingDecl[];
  values: Record<string, string>;
  onChange: (v: Record<string, string>) => void;
  disabled?: boolean;
  error?: ApiError | null;
}) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {decls.map((d) => (
        <TextField
          key={d.name}
          label={`${d.label || d.name}${d.required ? " *" : ""}`}
          type={d.secret ? "password" : d.type === "number" ? "number" : "text"}
          value={values[d.name] ?? ""}
          disabled={disabled}
          help={d.description || (d.secret ? "Secret: stored encrypted, shown masked" : undefined)}
          error={error?.field(`settings.${d.name}`)}
          onChange={(e) => onChange({ ...values, [d.name]: e.target.value })}
        />
      ))}
    </div>
  );
}

const asStrings = (v: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));

function InstanceSettings({ fn, instance }: { fn: FunctionDetail; instance: Instance }) {
  const update = useUpdateInstance(fn.id, instance.id);
  const [values, setValues] = useState(() => asStrings(instance.settings));
  if (fn.settings.length === 0) return null;
  const err = update.error instanceof ApiError ? update.error : null;
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate(values);
      }}
    >
      <SettingInputs
        decls={fn.settings}
        values={values}
        onChange={setValues}
        disabled={!instance.canEdit}
        error={err}
      />
      {err && !err.fields.length && <ErrorState error={err} />}
      {instance.canEdit && (
        <Button type="submit" variant="secondary" size="sm" pending={update.isPending}>
          {update.isSuccess ? "Saved" : "Save settings"}
        </Button>
      )}
    </form>
  );
}

function AddInstance({ fn, onDone }: { fn: FunctionDetail; onDone: () => void }) {
  const ws = useWorkspace();
  const create = useCreateInstance(fn.id);
  const sources = useSources();
  const destinations = useDestinations();
  const [name, setName] = useState("");
  const [environment, setEnvironment] = useState(ws.labels?.[0] ?? "prod");
  const [sourceIds, setSourceIds] = useState<string[]>([]);
  const [destinationId, setDestinationId] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const err = create.error instanceof ApiError ? create.error : null;
  const environments = [
    ...new Set(["prod", "dev", ...(sources.data?.map((s) => s.environment) ?? [])]),
  ].filter((e) => ws.inScope(e));
  return (
    <form
      className="mb-4 space-y-4 rounded-md border border-slate-200 p-4"
      onSubmit={(e) => {
        e.preventDefault();
        const settings = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
        const input =
          fn.kind === "source"
            ? { name, environment, settings }
            : fn.kind === "destination"
              ? { name, sourceIds, enabled: true, settings }
              : { destinationId, settings };
        create.mutate(input, { onSuccess: onDone });
      }}
    >
      {fn.kind !== "insert" && (
        <NameField
          kind={fn.kind === "source" ? "source" : "destination"}
          label={fn.kind === "source" ? "Source name" : "Destination name"}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={err?.field("name")}
          required
        />
      )}
      {fn.kind === "source" && (
        <label className="block space-y-1 text-sm">
          <span className="font-medium text-slate-700">Environment</span>
          <select
            className="block w-full rounded-md border border-slate-300 px-2 py-2"
            value={environment}
            onChange={(e) => setEnvironment(e.target.value)}
          >
            {environments.map((e) => (
              <option key={e}>{e}</option>
            ))}
          </select>
        </label>
      )}
      {fn.kind === "destination" && (
        <fieldset className="space-y-1 text-sm">
          <legend className="font-medium text-slate-700">Sources sending to it</legend>
          {sources.data?.map((s) => (
            <label key={s.id} className="flex items-center gap-2">
              <input
                type="checkbox"
                checked={sourceIds.includes(s.id)}
                onChange={(e) =>
                  setSourceIds(e.target.checked ? [...sourceIds, s.id] : sourceIds.filter((x) => x !== s.id))
                }
              />
              {s.name} <EnvironmentBadge label={s.environment} />
            </label>
          ))}
        </fieldset>
      )}
      {fn.kind === "insert" && (
        <label className="block space-y-1 text-sm">
          <span className="font-medium text-slate-700">Destination</span>
          <select
            className="block w-full rounded-md border border-slate-300 px-2 py-2"
            value={destinationId}
            onChange={(e) => setDestinationId(e.target.value)}
            required
          >
            <option value="">Choose a destination…</option>
            {destinations.data
              ?.filter((d) => d.canEdit)
              .map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.typeName})
                </option>
              ))}
          </select>
          {err?.field("destinationId") && (
            <span role="alert" className="text-xs text-red-600">
              {err.field("destinationId")}
            </span>
          )}
        </label>
      )}
      {fn.settings.length > 0 && (
        <SettingInputs decls={fn.settings} values={values} onChange={setValues} error={err} />
      )}
      {err && !err.fields.length && <ErrorState error={err} />}
      <div className="flex gap-2">
        <Button type="submit" pending={create.isPending}>
          {ADD[fn.kind]}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
