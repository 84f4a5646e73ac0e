"use client";

import Link from "next/link";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { useViolations } from "@/components/protocols/use-protocols";
import { Badge } from "@/components/ui/badge";
import { EmptyState, ErrorState, Spinner } from "@/components/ui/states";
import { Time } from "@/components/ui/time";

// Tracking-plan violations of one source, per event and property: counts over 24 h and 7 d and
// the three newest samples, from the aggregate the archive writer keeps.

export function ViolationsView({ sourceId }: { sourceId: string }) {
  const ws = useWorkspace();
  const query = useViolations(sourceId);
  const [span, setSpan] = useState<"day" | "week">("day");
  if (query.isPending) return <Spinner label="Loading violations" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  const { violations, hasTrackingPlan } = query.data;
  if (violations.length === 0)
    return (
      <EmptyState title={hasTrackingPlan ? "No violations" : "No tracking plan connected"}>
        {hasTrackingPlan ? (
          "Every event this source sent matches its tracking plan."
        ) : (
          <>
            Connect a tracking plan in the source's{" "}
            <Link className="underline" href={`/${ws.slug}/sources/${sourceId}/settings`}>
              settings
            </Link>{" "}
            to see which events break it.
          </>
        )}
      </EmptyState>
    );
  return (
    <div className="space-y-3">
      <fieldset className="flex justify-end gap-1 text-sm">
        <legend className="sr-only">Count window</legend>
        {(["day", "week"] as const).map((w) => (
          <button
            key={w}
            type="button"
            aria-pressed={span === w}
            onClick={() => setSpan(w)}
            className={`rounded-md px-2.5 py-1 ${span === w ? "bg-brand-600 text-white" : "bg-white ring-1 ring-slate-200"}`}
          >
            {w === "day" ? "Last 24 hours" : "Last 7 days"}
          </button>
        ))}
      </fieldset>
      <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm" data-testid="violations-table">
          <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2">Event</th>
              <th className="px-3 py-2">Property</th>
              <th className="px-3 py-2">Violation</th>
              <th className="px-3 py-2 text-right">{span === "day" ? "24 h" : "7 d"}</th>
              <th className="px-3 py-2">Recent samples</th>
            </tr>
          </thead>
          <tbody>
            {violations.map((v) => (
              <tr
                key={`${v.kind}:${v.name}:${v.path}:${v.code}`}
                className="border-t border-slate-100 align-top"
                data-testid="violation-row"
              >
                <td className="px-3 py-2">
                  <Badge>{v.kind}</Badge> <span className="font-medium">{v.name || "(all)"}</span>
                </td>
                <td className="px-3 py-2 font-mono text-xs">{v.path || "—"}</td>
                <td className="px-3 py-2">
                  {v.message}
                  <div className="text-xs text-slate-500">
                    {v.code} · last <Time value={v.lastSeen} mode="relative" />
                  </div>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {(span === "day" ? v.day : v.week).toLocaleString()}
                </td>
                <td className="px-3 py-2">
                  <ul className="space-y-0.5 font-mono text-xs text-slate-600">
                    {v.samples.map((s) => (
                      <li key={`${s.messageId}:${s.receivedAt}`} title={s.messageId ?? undefined}>
                        {s.value ?? "(missing)"}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
