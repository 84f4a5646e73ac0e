"use client";

import { type FormEvent, useState } from "react";
import { type PrivacyOverview, useRequestDeletion, useSuppression } from "@/components/privacy/use-privacy";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Confirm } from "@/components/ui/confirm";
import { Card, EmptyState } from "@/components/ui/states";
import { Time } from "@/components/ui/time";
import { ApiError } from "@/lib/api/client";

// Deletion requests (erase one user's messages everywhere) and suppressions (drop their events at ingest).

const COUNT_LABELS: Record<string, string> = {
  archive: "archived messages",
  deliveryJobs: "queued deliveries",
  deliveryOutcomes: "delivery outcomes",
  deliverySamples: "delivery samples",
  privacyRemovals: "privacy notes",
  functionRuns: "function runs",
  inboxSamples: "inbox samples",
  warehouses: "warehouse rows",
};

export function DeletionsPanel({ data }: { data: PrivacyOverview }) {
  return (
    <div className="space-y-6">
      {data.canWrite && <DeletionForm />}
      <Card title="Deletion requests">
        {data.deletions.length === 0 ? (
          <EmptyState title="No deletion requests">
            Requests you make are listed here with what they removed.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {data.deletions.map((d) => (
              <li key={d.id} className="py-2.5" data-deletion={d.idValue}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-mono text-xs">
                    {d.idType} {d.idValue}
                  </span>
                  <Badge tone={d.status === "completed" ? "green" : d.status === "failed" ? "red" : "blue"}>
                    {d.status}
                  </Badge>
                  {d.suppress && <Badge tone="violet">suppressed</Badge>}
                  <span className="text-xs text-slate-500">
                    by {d.requestedBy}
                    {d.createdAt ? (
                      <>
                        , <Time value={d.createdAt} />
                      </>
                    ) : null}
                  </span>
                </div>
                <p className="mt-1 text-xs text-slate-600">
                  {d.error ??
                    Object.entries(d.counts)
                      .map(([k, n]) => `${n} ${COUNT_LABELS[k] ?? k}`)
                      .join(" · ")}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Suppressed users">
        {data.suppressions.length === 0 ? (
          <p className="text-sm text-slate-600">No user is suppressed.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {data.suppressions.map((s) => (
              <SuppressionRow key={s.userId} userId={s.userId} canWrite={data.canWrite} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function SuppressionRow({ userId, canWrite }: { userId: string; canWrite: boolean }) {
  const lift = useSuppression();
  return (
    <li className="flex items-center justify-between py-2">
      <span className="font-mono text-xs">{userId}</span>
      {canWrite && (
        <Button
          size="sm"
          variant="secondary"
          disabled={lift.isPending}
          onClick={() => lift.mutate({ userId, suppressed: false })}
        >
          Unsuppress
        </Button>
      )}
    </li>
  );
}

function DeletionForm() {
  const request = useRequestDeletion();
  const [idType, setIdType] = useState<"userId" | "anonymousId">("userId");
  const [idValue, setIdValue] = useState("");
  const [suppress, setSuppress] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (idValue.trim()) setConfirming(true);
  };
  const error = request.error instanceof ApiError ? request.error : null;
  return (
    <Card title="Request a deletion">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-600">Identify the user by</span>
          <select
            value={idType}
            onChange={(e) => setIdType(e.target.value as "userId" | "anonymousId")}
            className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          >
            <option value="userId">userId</option>
            <option value="anonymousId">anonymousId</option>
          </select>
        </label>
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-600">Id</span>
          <input
            value={idValue}
            onChange={(e) => setIdValue(e.target.value)}
            required
            maxLength={200}
            className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 font-mono text-sm sm:w-72"
          />
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={suppress}
            disabled={idType !== "userId"}
            onChange={(e) => setSuppress(e.target.checked)}
          />
          Also drop this user's future events (suppress)
        </label>
        <Button type="submit" variant="danger" disabled={!idValue.trim() || request.isPending}>
          Delete this user's data
        </Button>
        {error && (
          <p role="alert" className="w-full text-sm text-red-700">
            {error.message}
          </p>
        )}
      </form>
      <Confirm
        open={confirming}
        title="Delete this user's data?"
        confirmLabel="Delete"
        danger
        pending={request.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          request.mutate(
            { idType, idValue: idValue.trim(), suppress: suppress && idType === "userId" },
            {
              onSettled: () => setConfirming(false),
              onSuccess: () => setIdValue(""),
            },
          )
        }
      >
        Every archived message of {idType} <span className="font-mono">{idValue}</span> is removed, with its
        debugger entries, queued deliveries, delivery samples and outcomes. This cannot be undone.
      </Confirm>
    </Card>
  );
}
