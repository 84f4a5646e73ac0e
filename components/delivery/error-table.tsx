"use client";

import { Fragment, useState } from "react";
import { ErrorDetail } from "@/components/delivery/error-detail";
import { formatCount } from "@/components/delivery/format";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { ErrorsView } from "@/lib/metrics/types";

/**
 * One row per error type, status code and state in the period, most attempts first: "final" rows
 * are messages given up on (they add up to Not delivered), "retrying" rows failed attempts that
 * were scheduled again. A row opens its details below it.
 */
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
        No failed deliveries or failed attempts in this period.
      </p>
    );
  return (
    <table className="w-full text-sm">
      <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
        <tr>
          <th className="px-4 py-2 font-medium">Error</th>
          <th className="px-4 py-2 font-medium">Status code</th>
          <th className="px-4 py-2 font-medium">State</th>
          <th className="px-4 py-2 text-right font-medium">Attempts</th>
          <th className="px-4 py-2 text-right font-medium">Messages</th>
          <th className="px-4 py-2 font-medium">Last seen</th>
          <th className="px-4 py-2 font-medium">Samples</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {data.errors.map((e) => {
          const expanded = open === e.key;
          return (
            <Fragment key={e.key}>
              <tr
                data-testid="error-row"
                data-state={e.state}
                className="cursor-pointer hover:bg-slate-50"
                onClick={() => setOpen(expanded ? null : e.key)}
              >
                <td className="px-4 py-2.5">
                  <button
                    type="button"
                    aria-expanded={expanded}
                    className="text-left font-medium text-slate-900"
                    onClick={(ev) => {
                      ev.stopPropagation();
                      setOpen(expanded ? null : e.key);
                    }}
                  >
                    <span aria-hidden className="mr-1.5 inline-block w-3 text-slate-400">
                      {expanded ? "▾" : "▸"}
                    </span>
                    {e.title}
                  </button>
                </td>
                <td className="px-4 py-2.5 tabular-nums text-slate-700" data-testid="error-status">
                  {e.httpStatus ?? "–"}
                </td>
                <td className="px-4 py-2.5">
                  {e.state === "retrying" ? (
                    <span
                      title={`${formatCount(e.waitingNow)} of these messages wait for another attempt now`}
                    >
                      <Badge tone="amber">retrying</Badge>
                    </span>
                  ) : (
                    <Badge tone="red">final</Badge>
                  )}
                </td>
                <td className="px-4 py-2.5 text-right tabular-nums" data-testid="error-attempts">
                  {formatCount(e.attempts)}
                </td>
                <td className="px-4 py-2.5 text-right tabular-nums font-medium" data-testid="error-count">
                  {formatCount(e.messages)}
                </td>
                <td className="px-4 py-2.5 text-slate-600">
                  <Time value={e.lastSeenAt} mode="relative" />
                </td>
                <td className="max-w-[16rem] px-4 py-2.5 text-xs text-slate-600" data-testid="error-samples">
                  {e.samples.length === 0
                    ? "–"
                    : e.samples.map((x) => (
                        <span key={x.id} className="block truncate" title={x.errorMessage}>
                          {x.errorMessage}
                        </span>
                      ))}
                </td>
              </tr>
              {expanded && (
                <tr>
                  <td colSpan={7} className="p-0">
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
