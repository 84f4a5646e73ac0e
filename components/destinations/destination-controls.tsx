"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { EnabledSwitch } from "@/components/destinations/enabled-switch";
import { useDeleteDestination, useUpdateDestination } from "@/components/destinations/use-destinations";
import { Button } from "@/components/ui/button";
import { Confirm } from "@/components/ui/confirm";
import { Card } from "@/components/ui/states";
import type { DestinationView } from "@/lib/destinations/queries";

/** Enable/disable and delete. Viewers who cannot edit see the state only. */
export function DestinationControls({ destination }: { destination: DestinationView }) {
  const ws = useWorkspace();
  const router = useRouter();
  const update = useUpdateDestination(destination.id);
  const remove = useDeleteDestination(destination.id);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const editable = destination.canEdit;

  return (
    <>
      <Card title="Status">
        <div className="flex items-center justify-between gap-4 text-sm">
          <p className="text-slate-600">
            {destination.enabled
              ? "Enabled: events from the connected sources are delivered."
              : "Disabled: nothing is delivered to this destination."}
          </p>
          <EnabledSwitch
            checked={destination.enabled}
            label="Destination enabled"
            pending={update.isPending}
            onChange={
              editable
                ? (enabled) => update.mutate({ enabled }, { onSuccess: () => router.refresh() })
                : undefined
            }
          />
        </div>
        {update.error && (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {update.error.message}
          </p>
        )}
      </Card>
      {editable && (
        <Card title="Danger zone">
          <div className="flex items-center justify-between gap-4 text-sm">
            <p className="text-slate-600">Deleting a destination removes its settings and filters.</p>
            <Button variant="danger" onClick={() => setConfirmDelete(true)}>
              Delete destination
            </Button>
          </div>
          <Confirm
            open={confirmDelete}
            title={`Delete ${destination.name}?`}
            confirmLabel="Delete destination"
            danger
            pending={remove.isPending}
            onCancel={() => setConfirmDelete(false)}
            onConfirm={() =>
              remove.mutate(undefined, { onSuccess: () => router.push(`/${ws.slug}/destinations`) })
            }
          >
            Events stop going to it at once. This cannot be undone.
            {remove.error && (
              <span role="alert" className="mt-2 block text-red-700">
                {remove.error.message}
              </span>
            )}
          </Confirm>
        </Card>
      )}
    </>
  );
}
