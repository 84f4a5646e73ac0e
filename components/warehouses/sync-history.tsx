"use client";

import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, EmptyState, ErrorState, Spinner } from "@/components/ui/states";
import { Time } from "@/components/ui/time";
import { type SyncHistory, useSyncNow, useSyncs } from "@/components/warehouses/use-warehouse";
import { ApiError } from "@/lib/api/client";
import type { SyncRunView } from "@/lib/warehouses/service";

// The Syncs tab of a warehouse: Sync now, what is pending, and each run with its start, duration,
// rows per table and error.

const STATUS: Record<string, [string, Tone]> = {
  queued: ["Queued", "gray"],
  running: ["Running", "blue"],
  succeeded: ["Succeeded", "green"],
  failed: ["Failed", "red"],
  interrupted: ["Interrupted", "amber"],
};

function duration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const total = (rows: Record<string, number>) => Object.values(rows).reduce((a, b) => a + b, 0);

export function SyncHistoryView({ destinationId, canEdit }: { destinationId: string; canEdit: boolean }) {
  const { data, error, isPending, refetch } = useSyncs(destinationId);
  const syncNow = useSyncNow(destinationId);
  const syncError = syncNow.error instanceof ApiError ? syncNow.error.message : null;
  if (isPending) return <Spinner label="Loading sync history" />;
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  const busy = data.runs.some((r) => r.status === "queued" || r.status === "running");
  return (
    <div className="space-y-6">
      <Card
        title="Status"
        actions={
          canEdit && (
            <Button onClick={() => syncNow.mutate()} pending={syncNow.isPending} disabled={busy}>
              {busy ? "Sync in progress" : "Sync now"}
            </Button>
          )
        }
      >
        <Summary history={data} />
        {syncError && (
          <p role="alert" className="mt-3 rounded-md bg-red-50 p-2 text-sm text-red-700">
            {syncError}
          </p>
        )}
      </Card>
      {data.runs.length === 0 ? (
        <EmptyState title="No syncs yet">
          {data.enabled
            ? "The first sync starts within a few seconds of enabling; Sync now starts one at once."
            : "Scheduled syncs run while the warehouse is enabled. Sync now loads at once, enabled or not."}
        </EmptyState>
      ) : (
        <>
          <RowsChart runs={data.runs} />
          <RunsTable runs={data.runs} />
        </>
      )}
    </div>
  );
}

function Summary({ history }: { history: SyncHistory }) {
  return (
    <dl className="grid grid-cols-1 gap-4 text-sm sm:grid-cols-3">
      <div>
        <dt className="text-slate-500">Pending</dt>
        <dd className="text-lg font-semibold" data-testid="pending">
          {history.pending.toLocaleString()} messages
        </dd>
      </div>
      <div>
        <dt className="text-slate-500">Next scheduled sync</dt>
        <dd className="text-lg font-semibold">
          {history.nextSyncAt ? (
            <Time value={history.nextSyncAt} mode="relative" />
          ) : history.enabled ? (
            "Soon"
          ) : (
            "Disabled"
          )}
        </dd>
      </div>
      <div>
        <dt className="text-slate-500">Missed (left the archive before loading)</dt>
        <dd className={`text-lg font-semibold ${history.missed ? "text-red-700" : ""}`}>
          {history.missed.toLocaleString()}
        </dd>
      </div>
      {history.missed > 0 && (
        <p role="alert" className="rounded-md bg-amber-50 p-3 text-amber-900 sm:col-span-3">
          This warehouse fell behind the archive's retention: {history.missed.toLocaleString()} messages were
          pruned before it loaded them and are not in the warehouse. Sync more often, or raise
          ARCHIVE_RETENTION_DAYS.
        </p>
      )}
    </dl>
  );
}

function RowsChart({ runs }: { runs: SyncRunView[] }) {
  const data = [...runs]
    .filter((r) => r.startedAt)
    .reverse()
    .slice(-30)
    .map((r) => ({ run: `#${r.id}`, rows: total(r.rows) }));
  if (data.length < 2) return null;
  return (
    <Card title="Rows loaded per sync">
      <div className="h-40" role="img" aria-label="Rows loaded per sync, oldest to newest">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data}>
            <XAxis dataKey="run" fontSize={11} />
            <YAxis fontSize={11} allowDecimals={false} width={48} />
            <Tooltip />
            <Bar dataKey="rows" fill="var(--chart-rows)" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Card>
  );
}

function RunsTable({ runs }: { runs: SyncRunView[] }) {
  return (
    <Card title="Sync history">
      <div className="relative overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="sync-history">
          <thead className="text-xs text-slate-500 uppercase">
            <tr>
              <th className="py-2 pr-4">Started</th>
              <th className="py-2 pr-4">Status</th>
              <th className="py-2 pr-4">Duration</th>
              <th className="py-2 pr-4">Messages</th>
              <th className="py-2 pr-4">Rows per table</th>
              <th className="py-2">Pending after</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {runs.map((r) => {
              const [label, tone] = STATUS[r.status] ?? [r.status, "gray" as Tone];
              const tables = Object.entries(r.rows).sort(([a], [b]) => (a < b ? -1 : 1));
              return (
                <tr key={r.id}>
                  <td className="py-2 pr-4 whitespace-nowrap">
                    <Time value={r.startedAt ?? r.queuedAt} />
                    <span className="block text-xs text-slate-500">
                      {r.trigger === "manual" ? "Sync now" : r.trigger}
                    </span>
                  </td>
                  <td className="py-2 pr-4">
                    <Badge tone={tone}>{label}</Badge>
                    {r.error && <p className="mt-1 max-w-xs text-xs text-red-700">{r.error}</p>}
                  </td>
                  <td className="py-2 pr-4">{duration(r.durationMs)}</td>
                  <td className="py-2 pr-4">{r.messages.toLocaleString()}</td>
                  <td className="py-2 pr-4">
                    {tables.length ? (
                      <ul className="space-y-0.5 font-mono text-xs">
                        {tables.map(([t, n]) => (
                          <li key={t}>
                            {t}: <span className="font-semibold">{n.toLocaleString()}</span>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span className="text-slate-400">—</span>
                    )}
                  </td>
                  <td className="py-2">{r.pending === null ? "—" : r.pending.toLocaleString()}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
