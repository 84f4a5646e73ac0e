"use client";

import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, EmptyState, ErrorState, Spinner } from "@/components/ui/states";
import {
  useUpdateWarehouseConfig,
  useWarehouseConfig,
  type WarehouseConfig,
} from "@/components/warehouses/use-warehouse";
import { ApiError } from "@/lib/api/client";

// The Selective Sync tab: the schema each source loads into (editable until data was loaded), and
// every table and column seen so far with a switch; switched-off data is not loaded from then on.

export function WarehouseSetup({ destinationId, canEdit }: { destinationId: string; canEdit: boolean }) {
  const { data, error, isPending, refetch } = useWarehouseConfig(destinationId);
  if (isPending) return <Spinner label="Loading warehouse configuration" />;
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  return (
    <div className="max-w-3xl space-y-6">
      <Schemas destinationId={destinationId} config={data} canEdit={canEdit} />
      <SelectiveSync destinationId={destinationId} config={data} canEdit={canEdit} />
    </div>
  );
}

function Schemas({
  destinationId,
  config,
  canEdit,
}: {
  destinationId: string;
  config: WarehouseConfig;
  canEdit: boolean;
}) {
  const update = useUpdateWarehouseConfig(destinationId);
  const [names, setNames] = useState(() =>
    Object.fromEntries(config.sources.map((s) => [s.sourceId, s.schemaName])),
  );
  const error = update.error instanceof ApiError ? update.error : null;
  const editable = config.sources.filter((s) => !s.fixed);
  return (
    <Card title="Schemas">
      {config.sources.length === 0 ? (
        <p className="text-sm text-slate-600">
          Connect a source on the Settings tab: each source loads into its own schema.
        </p>
      ) : (
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            update.mutate({
              schemas: editable.map((s) => ({ sourceId: s.sourceId, schemaName: names[s.sourceId] ?? "" })),
            });
          }}
        >
          <p className="text-sm text-slate-600">
            Each source loads into its own schema, named after the source. You can rename it until the first
            sync loads data into it; from then on it is fixed.
          </p>
          {error && (
            <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
              {error.message}
            </p>
          )}
          {config.sources.map((s, i) => (
            <div key={s.sourceId} className="flex flex-wrap items-center gap-3">
              <label htmlFor={`schema-${s.sourceId}`} className="w-48 text-sm font-medium text-slate-800">
                {s.sourceName}
              </label>
              <input
                id={`schema-${s.sourceId}`}
                className="w-full min-w-0 rounded-md border border-slate-300 px-2 py-1.5 font-mono text-sm disabled:bg-slate-50 sm:w-64"
                value={names[s.sourceId] ?? ""}
                disabled={!canEdit || s.fixed}
                onChange={(e) => setNames({ ...names, [s.sourceId]: e.target.value })}
                aria-describedby={`schema-${s.sourceId}-help`}
              />
              <span id={`schema-${s.sourceId}-help`} className="text-xs text-slate-500">
                {s.fixed
                  ? "Fixed: data was loaded"
                  : (error?.fields.find((f) => f.path === `schemas.${i}.schemaName`)?.message ??
                    "Editable until the first load")}
              </span>
            </div>
          ))}
          {canEdit && editable.length > 0 && (
            <Button type="submit" variant="secondary" pending={update.isPending}>
              Save schema names
            </Button>
          )}
        </form>
      )}
    </Card>
  );
}

const key = (table: string, column = "") => `${table}.${column}`;

function SelectiveSync({
  destinationId,
  config,
  canEdit,
}: {
  destinationId: string;
  config: WarehouseConfig;
  canEdit: boolean;
}) {
  const update = useUpdateWarehouseConfig(destinationId);
  const tables = useMemo(() => {
    const out = new Map<string, Set<string>>();
    for (const schema of Object.values(config.columns))
      for (const [table, cols] of Object.entries(schema)) {
        const set = out.get(table) ?? new Set<string>();
        for (const c of Object.keys(cols)) if (c !== "id") set.add(c);
        out.set(table, set);
      }
    for (const d of config.disabled) {
      const set = out.get(d.table) ?? new Set<string>();
      if (d.column) set.add(d.column);
      out.set(d.table, set);
    }
    return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  }, [config]);
  const [off, setOff] = useState(() => new Set(config.disabled.map((d) => key(d.table, d.column))));
  const [open, setOpen] = useState<string | null>(null);
  const error = update.error instanceof ApiError ? update.error.message : null;
  const toggle = (k: string) => {
    const next = new Set(off);
    if (next.has(k)) next.delete(k);
    else next.add(k);
    setOff(next);
  };
  const save = () =>
    update.mutate({
      disabled: [...off].map((k) => {
        const [table, column] = [k.slice(0, k.indexOf(".")), k.slice(k.indexOf(".") + 1)];
        return column ? { table, column } : { table };
      }),
    });
  return (
    <Card
      title="Selective Sync"
      actions={
        canEdit && (
          <Button onClick={save} pending={update.isPending}>
            Save Selective Sync
          </Button>
        )
      }
    >
      <p className="mb-3 text-sm text-slate-600">
        Untick a table or a column to stop loading it. Data already in the warehouse stays; switched-off data
        is not loaded from the next sync on. Destination filters and <code>integrations</code> do not apply to
        warehouses: this is the way to keep data out.
      </p>
      {error && (
        <p role="alert" className="mb-3 rounded-md bg-red-50 p-2 text-sm text-red-700">
          {error}
        </p>
      )}
      {update.isSuccess && !update.isPending && (
        <p role="status" className="mb-3 text-sm text-emerald-700">
          Saved
        </p>
      )}
      {tables.length === 0 ? (
        <EmptyState title="No tables yet">Tables and columns appear here after the first sync.</EmptyState>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="selective-sync">
          {tables.map(([table, cols]) => (
            <li key={table} className="py-2">
              <div className="flex items-center gap-3">
                <input
                  id={`t-${table}`}
                  type="checkbox"
                  className="size-4"
                  checked={!off.has(key(table))}
                  disabled={!canEdit}
                  onChange={() => toggle(key(table))}
                />
                <label htmlFor={`t-${table}`} className="font-mono text-sm">
                  {table}
                </label>
                <button
                  type="button"
                  className="ml-auto text-xs text-brand-700 underline"
                  aria-expanded={open === table}
                  aria-label={`${open === table ? "Hide" : "Show"} the ${cols.size} columns of ${table}`}
                  onClick={() => setOpen(open === table ? null : table)}
                >
                  {open === table ? "Hide columns" : `${cols.size} columns`}
                </button>
              </div>
              {open === table && (
                <ul className="mt-2 grid grid-cols-1 gap-1 pl-7 sm:grid-cols-2">
                  {[...cols].sort().map((c) => (
                    <li key={c} className="flex items-center gap-2">
                      <input
                        id={`c-${table}-${c}`}
                        type="checkbox"
                        className="size-4"
                        checked={!off.has(key(table, c)) && !off.has(key(table))}
                        disabled={!canEdit || off.has(key(table))}
                        onChange={() => toggle(key(table, c))}
                      />
                      <label htmlFor={`c-${table}-${c}`} className="font-mono text-xs">
                        {c}
                      </label>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
