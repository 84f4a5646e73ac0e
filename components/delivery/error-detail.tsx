"use client";

import Link from "next/link";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { actionsFor } from "@/components/delivery/error-actions";
import { formatCount } from "@/components/delivery/format";
import { SamplePanes } from "@/components/delivery/sample-panes";
import { useRetryDeliveries } from "@/components/delivery/use-delivery";
import { Button } from "@/components/ui/button";
import { Confirm } from "@/components/ui/confirm";
import { Time } from "@/components/ui/time";
import type { WindowView } from "@/lib/metrics/period";
import type { ErrorRowView } from "@/lib/metrics/types";

const statusDocs = (code: number) => `https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/${code}`;

/** The expanded row: what happened, what to do, where to read more, and the samples. */
export function ErrorDetail({
  destinationId,
  row,
  window,
  qs,
  docsUrl,
  typeName,
}: {
  destinationId: string;
  row: ErrorRowView;
  window: WindowView;
  qs: string;
  docsUrl: string | null;
  typeName: string;
}) {
  const ws = useWorkspace();
  const retry = useRetryDeliveries(destinationId);
  const [confirming, setConfirming] = useState(false);
  const base = `/${ws.slug}/destinations/${destinationId}`;
  const links = { settings: base, filters: `${base}/filters` };
  return (
    <div className="space-y-4 bg-slate-50 px-4 py-4 text-sm" data-testid="error-detail">
      <div>
        <h4 className="text-xs font-semibold uppercase text-slate-500">Description</h4>
        <p className="mt-1 text-slate-800">{row.description}</p>
      </div>
      <div>
        <h4 className="text-xs font-semibold uppercase text-slate-500">Actions</h4>
        <ul className="mt-1 list-disc space-y-1 pl-5 text-slate-800">
          {actionsFor(row.errorType).map((a) => (
            <li key={a.text}>
              {a.text}{" "}
              {a.to && (
                <Link href={links[a.to]} className="font-medium text-brand-700 hover:underline">
                  {a.label}
                </Link>
              )}
            </li>
          ))}
        </ul>
        {row.state === "retrying" && (
          <p className="mt-2 text-slate-700" data-testid="retrying-note">
            These attempts failed and were scheduled again: the delivery engine keeps retrying each message
            until it is delivered or its retry deadline passes. {formatCount(row.waitingNow)} message
            {row.waitingNow === 1 ? "" : "s"} wait for another attempt now.
          </p>
        )}
        {row.state === "final" && ws.can("delivery.retry") && (
          <div className="mt-3 flex flex-wrap items-center gap-3">
            <Button
              size="sm"
              variant="secondary"
              onClick={() => setConfirming(true)}
              pending={retry.isPending}
            >
              Retry these messages
            </Button>
            {retry.data && (
              <span role="status" className="text-xs text-slate-600">
                Queued {formatCount(retry.data.queued)} for another attempt
                {retry.data.filtered > 0 && `, ${formatCount(retry.data.filtered)} now filtered`}
                {retry.data.expired > 0 && `, ${formatCount(retry.data.expired)} no longer in the archive`}.
              </span>
            )}
            {retry.error && (
              <span role="alert" className="text-xs text-red-700">
                {retry.error.message}
              </span>
            )}
          </div>
        )}
      </div>
      <div>
        <h4 className="text-xs font-semibold uppercase text-slate-500">More info</h4>
        <ul className="mt-1 space-y-1">
          {docsUrl && (
            <li>
              <a href={docsUrl} target="_blank" rel="noreferrer" className="text-brand-700 hover:underline">
                {typeName} documentation
              </a>
            </li>
          )}
          {row.httpStatuses.map((code) => (
            <li key={code}>
              <a
                href={statusDocs(code)}
                target="_blank"
                rel="noreferrer"
                className="text-brand-700 hover:underline"
              >
                What HTTP {code} means
              </a>
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h4 className="mb-2 text-xs font-semibold uppercase text-slate-500">Sample payloads</h4>
        <SamplePanes destinationId={destinationId} errorType={row.errorType} qs={qs} />
      </div>
      <Confirm
        open={confirming}
        title="Retry not-delivered messages?"
        confirmLabel="Retry"
        pending={retry.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          retry.mutate({ from: window.from, to: window.to }, { onSettled: () => setConfirming(false) })
        }
      >
        Every message this destination did not deliver that was received between <Time value={window.from} />{" "}
        and <Time value={window.to} /> is queued again, whatever its error, through the destination's current
        filters and settings.
      </Confirm>
    </div>
  );
}
