"use client";

import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { useDestination } from "@/components/destinations/use-destinations";
import { FilterForm } from "@/components/filters/filter-form";
import { FilterRow } from "@/components/filters/filter-row";
import { FilterTester } from "@/components/filters/filter-tester";
import { useFilters, useReorderFilters } from "@/components/filters/use-filters";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, Spinner } from "@/components/ui/states";

/** The Filters tab: the ordered list, the editor, and a sample-event tester. */
export function FiltersPanel({ destinationId }: { destinationId: string }) {
  const ws = useWorkspace();
  const destination = useDestination(destinationId);
  const filters = useFilters(destinationId);
  const reorder = useReorderFilters(destinationId);
  const [editing, setEditing] = useState<string | "new" | null>(null);
  if (filters.isPending || destination.isPending) return <Spinner label="Loading filters" />;
  if (filters.error || destination.error)
    return (
      <ErrorState
        error={filters.error ?? destination.error}
        onRetry={() => {
          filters.refetch();
          destination.refetch();
        }}
      />
    );
  const list = filters.data;
  const canEdit = destination.data.canEdit;
  const current = editing && editing !== "new" ? list.find((f) => f.id === editing) : undefined;

  function move(index: number, by: -1 | 1) {
    const ids = list.map((f) => f.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id!);
    reorder.mutate(ids, {
      // Moving a row re-inserts it in the DOM, which drops focus: put it back on the moved filter,
      // on the same arrow unless the filter reached that end of the list.
      onSettled: () =>
        setTimeout(() => {
          const at = ids.indexOf(id!);
          const atEnd = by < 0 ? at === 0 : at === ids.length - 1;
          const arrow = by < 0 !== atEnd ? "up" : "down";
          document.getElementById(`move-${arrow}-${id}`)?.focus();
        }),
    });
  }

  return (
    <div className="max-w-3xl space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <p className="max-w-xl text-sm text-slate-600">
          Filters decide which events reach this destination and which fields they carry. They run by action
          (sample, then drop, then drop fields, then keep fields) and, within an action, in this order.{" "}
          <a
            href={`/${ws.slug}/destinations/filter-language`}
            target="_blank"
            rel="noreferrer"
            className="text-brand-700 underline"
          >
            Filter language reference
          </a>
        </p>
        {canEdit && editing === null && <Button onClick={() => setEditing("new")}>Add filter</Button>}
      </div>
      {canEdit && (editing === "new" || current) && (
        <FilterForm
          key={editing}
          destinationId={destinationId}
          filter={current}
          onDone={() => setEditing(null)}
        />
      )}
      {reorder.error && (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
          {reorder.error.message}
        </p>
      )}
      {list.length === 0 ? (
        <EmptyState title="No filters">
          Every event from the connected sources is delivered, as long as the destination supports its type.
        </EmptyState>
      ) : (
        <ol
          className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white"
          aria-label="Filters"
        >
          {list.map((f, i) => (
            <FilterRow
              key={f.id}
              destinationId={destinationId}
              filter={f}
              index={i}
              count={list.length}
              canEdit={canEdit}
              busy={reorder.isPending}
              onMove={(by) => move(i, by)}
              onEdit={() => setEditing(f.id)}
            />
          ))}
        </ol>
      )}
      {list.length > 0 && <FilterTester filters={list} />}
    </div>
  );
}
