"use client";

import { useState } from "react";
import { EnabledSwitch } from "@/components/destinations/enabled-switch";
import { describeAction } from "@/components/filters/filter-actions";
import { useDeleteFilter, useUpdateFilter } from "@/components/filters/use-filters";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Confirm } from "@/components/ui/confirm";
import type { FilterView } from "@/lib/destinations/filters";

/** One filter in the ordered list; controls appear only for viewers who may change it. */
export function FilterRow({
  destinationId,
  filter: f,
  index,
  count,
  canEdit,
  busy,
  onMove,
  onEdit,
}: {
  destinationId: string;
  filter: FilterView;
  index: number;
  count: number;
  canEdit: boolean;
  busy: boolean;
  onMove: (by: -1 | 1) => void;
  onEdit: () => void;
}) {
  const update = useUpdateFilter(destinationId);
  const remove = useDeleteFilter(destinationId);
  const [confirm, setConfirm] = useState(false);
  const error = update.error ?? remove.error;

  return (
    <li className="flex items-start gap-3 px-4 py-3">
      <span className="mt-0.5 w-5 text-right text-xs text-slate-400">{index + 1}</span>
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
          {f.name}
          {!f.enabled && <Badge>Disabled</Badge>}
        </p>
        <code className="mt-1 block truncate font-mono text-xs text-slate-600" title={f.condition}>
          {f.condition}
        </code>
        <p className="mt-1 text-xs text-slate-500">{describeAction(f.action, f.config)}</p>
        {error && (
          <p role="alert" className="mt-1 text-xs text-red-600">
            {error.message}
          </p>
        )}
      </div>
      <EnabledSwitch
        checked={f.enabled}
        label={`Filter ${f.name} enabled`}
        pending={update.isPending}
        onChange={canEdit ? (enabled) => update.mutate({ id: f.id, enabled }) : undefined}
      />
      {canEdit && (
        <div className="flex items-center gap-1">
          <Button
            id={`move-up-${f.id}`}
            variant="ghost"
            size="sm"
            aria-label={`Move ${f.name} up`}
            disabled={index === 0}
            aria-disabled={busy || undefined}
            onClick={() => !busy && onMove(-1)}
          >
            ↑
          </Button>
          <Button
            id={`move-down-${f.id}`}
            variant="ghost"
            size="sm"
            aria-label={`Move ${f.name} down`}
            disabled={index === count - 1}
            aria-disabled={busy || undefined}
            onClick={() => !busy && onMove(1)}
          >
            ↓
          </Button>
          <Button variant="secondary" size="sm" aria-label={`Edit ${f.name}`} onClick={onEdit}>
            Edit
          </Button>
          <Button variant="ghost" size="sm" aria-label={`Delete ${f.name}`} onClick={() => setConfirm(true)}>
            Delete
          </Button>
          <Confirm
            open={confirm}
            title={`Delete filter ${f.name}?`}
            confirmLabel="Delete filter"
            danger
            pending={remove.isPending}
            onCancel={() => setConfirm(false)}
            onConfirm={() => remove.mutate(f.id, { onSuccess: () => setConfirm(false) })}
          >
            Events it matches will no longer be filtered by it.
          </Confirm>
        </div>
      )}
    </li>
  );
}
