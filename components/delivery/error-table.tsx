"use client";

import { Fragment, useState } from "react";
import { ErrorDetail } from "@/components/delivery/error-detail";
import { formatAgo, formatCount, formatTime } from "@/components/delivery/format";
import { Badge } from "@/components/ui/badge";
import type { ErrorsView } from "@/lib/metrics/types";

/** One row per error type in the period, biggest first; a row opens its details below it. */
export function ErrorTable({
  destinationId,
  data,
  qs,
  docsUrl,
  typeName,
}: {
  destinationId: string;
  data: ErrorsView;
  qs: string;
  docsUrl: string | null;
  typeName: string;
}) {
  const [open, setOpen] = useState<string | null>(null);
  if (data.errors.length === 0)
    return (
      <p className="px-5 py-6 text-sm text-slate-500" data-testid="no-errors">
        No delivery errors in this period.
      </p>
    );
  return (
    <table className="w-full text-sm">
      <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
        <tr>
          <th className="px-4 py-2 font-medium">Error</th>
          <th className="px-4 py-2 font-medium">Status code</th>
          <th className="px-4 py-2 text-right font-medium">Count</th>
          <th className="px-4 py-2 font-medium">Last seen</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {data.errors.map((e) => {
          const expanded = open === e.errorType;
          return (
            <Fragment key={e.errorType}>
              <tr
                data-testid="error-row"
                className="cursor-pointer hover:bg-slate-50"
                onClick={() => setOpen(expanded ? null : e.errorType)}
              >
                <td className="px-4 py-2.5">
                  <button
                    type="button"
                    aria-expanded={expanded}
                    className="text-left font-medium text-slate-900"
                    onClick={(ev) => {
                      ev.stopPropagation();
                      setOpen(expanded ? null : e.errorType);
                    }}
                  >
                    <span aria-hidden className="mr-1.5 inline-block w-3 text-slate-400">
                      {expanded ? "▾" : "▸"}
                    </span>
                    {e.title}
                  </button>
                  {e.retryable && (
                    <span className="ml-2">
                      <Badge tone="amber">retried automatically</Badge>
                    </span>
                  )}
                </td>
                <td className="px-4 py-2.5 tabular-nums text-slate-700">
                  {e.httpStatuses.length ? e.httpStatuses.join(", ") : "–"}
                </td>
                <td className="px-4 py-2.5 text-right tabular-nums font-medium" data-testid="error-count">
                  {formatCount(e.count)}
                </td>
                <td
                  className="px-4 py-2.5 text-slate-600"
                  title={formatTime(e.lastSeenAt)}
                  suppressHydrationWarning
                >
                  {formatAgo(e.lastSeenAt)}
                </td>
              </tr>
              {expanded && (
                <tr>
                  <td colSpan={4} className="p-0">
                    <ErrorDetail
                      destinationId={destinationId}
                      row={e}
                      window={data.window}
                      qs={qs}
                      docsUrl={docsUrl}
                      typeName={typeName}
                    />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
