"use client";

import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { useRegenerateWriteKey, useWriteKey } from "@/components/sources/use-sources";
import { Button } from "@/components/ui/button";
import { Confirm } from "@/components/ui/confirm";
import { CopyButton } from "@/components/ui/copy-button";
import { Card } from "@/components/ui/states";
import type { SourceView } from "@/lib/sources/queries";

/** API Keys: the write key with copy, and Regenerate behind a confirmation (the old key stops at once). */
export function WriteKeyPanel({ source }: { source: SourceView }) {
  const ws = useWorkspace();
  const canSee = ws.can("sources.writeKey.read") && ws.inScope(source.environment);
  const key = useWriteKey(source.id, canSee);
  const regenerate = useRegenerateWriteKey(source.id);
  const [confirm, setConfirm] = useState(false);
  const [retired, setRetired] = useState<string | null>(null);

  return (
    <Card title="API Keys">
      <p className="mb-2 text-sm font-medium text-slate-700">Write key</p>
      <div className="flex items-center gap-2">
        <code
          data-testid="write-key"
          className="min-w-0 flex-1 break-all rounded-md bg-slate-100 px-3 py-2 font-mono text-sm"
        >
          {canSee ? (key.data ?? "Loading…") : source.writeKeyHint}
        </code>
        {canSee && key.data && <CopyButton value={key.data} label="Copy write key" />}
      </div>
      {!canSee && (
        <p className="mt-2 text-xs text-slate-500">Only owners and source admins can see write keys.</p>
      )}
      {retired && (
        <p data-testid="retired-key" className="mt-3 text-sm text-slate-600">
          Previous key <code className="font-mono line-through">{retired}</code>{" "}
          <span className="font-medium text-red-700">revoked: requests using it are refused.</span>
        </p>
      )}
      {source.canEdit && (
        <div className="mt-4">
          <Button variant="secondary" onClick={() => setConfirm(true)}>
            Regenerate write key
          </Button>
        </div>
      )}
      {regenerate.error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {regenerate.error.message}
        </p>
      )}
      <Confirm
        open={confirm}
        title="Regenerate the write key?"
        confirmLabel="Regenerate"
        danger
        pending={regenerate.isPending}
        onCancel={() => setConfirm(false)}
        onConfirm={() => {
          const previous = key.data ?? source.writeKeyHint;
          regenerate.mutate(undefined, {
            onSuccess: () => {
              setRetired(previous);
              setConfirm(false);
            },
          });
        }}
      >
        The current key stops working immediately. Every library and server using it must be updated with the
        new key.
      </Confirm>
    </Card>
  );
}
