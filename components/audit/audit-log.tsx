"use client";

import { useState } from "react";
import { ChangeSummary } from "@/components/audit/change-summary";
import { useAuditLog } from "@/components/audit/use-audit";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, PageHeader, Spinner } from "@/components/ui/states";
import { TableScroll } from "@/components/ui/table-scroll";
import { Time, TimeZoneNote } from "@/components/ui/time";

const FILTERS = [
  { value: "", label: "All actions" },
  { value: "workspace.", label: "Workspace" },
  { value: "member.", label: "Members" },
  { value: "invitation.", label: "Invitations" },
  { value: "source.", label: "Sources" },
  { value: "destination.", label: "Destinations" },
];

export function AuditLog() {
  const [action, setAction] = useState("");
  const { data, error, isPending, refetch, fetchNextPage, hasNextPage, isFetchingNextPage } =
    useAuditLog(action);
  const events = data?.pages.flatMap((p) => p.events) ?? [];

  return (
    <>
      <PageHeader title="Audit log" description="Who changed what in this workspace, newest first." />
      <div className="mb-3 flex items-center gap-2">
        <label htmlFor="audit-filter" className="text-sm text-slate-600">
          Show
        </label>
        <select
          id="audit-filter"
          value={action}
          onChange={(e) => setAction(e.target.value)}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
        >
          {FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      {isPending ? (
        <Spinner label="Loading audit log" />
      ) : error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : events.length === 0 ? (
        <EmptyState title="Nothing recorded yet">
          Changes to sources, destinations, members and settings appear here.
        </EmptyState>
      ) : (
        <TableScroll label="Audit log entries">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">
                  Time <TimeZoneNote className="font-normal normal-case" />
                </th>
                <th className="px-4 py-2 font-medium">Actor</th>
                <th className="px-4 py-2 font-medium">Action</th>
                <th className="px-4 py-2 font-medium">Target</th>
                <th className="px-4 py-2 font-medium">Change</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top">
              {events.map((e) => (
                <tr key={e.id}>
                  <td className="px-4 py-2.5 whitespace-nowrap text-slate-600">
                    <Time value={e.at} />
                  </td>
                  <td className="px-4 py-2.5">
                    {e.actor.name ?? e.actor.email}
                    {e.actor.name && <span className="block text-xs text-slate-500">{e.actor.email}</span>}
                  </td>
                  <td className="px-4 py-2.5">
                    <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{e.action}</code>
                  </td>
                  <td className="px-4 py-2.5">
                    <span className="text-slate-500">{e.targetType}</span> {e.targetName ?? e.targetId ?? ""}
                  </td>
                  <td className="px-4 py-2.5">
                    <ChangeSummary before={e.before} after={e.after} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {hasNextPage && (
            <div className="border-t border-slate-100 p-3 text-center">
              <Button
                variant="secondary"
                size="sm"
                pending={isFetchingNextPage}
                onClick={() => fetchNextPage()}
              >
                Load more
              </Button>
            </div>
          )}
        </TableScroll>
      )}
    </>
  );
}
