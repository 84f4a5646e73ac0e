"use client";

import { type FormEvent, useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { formatCount } from "@/components/delivery/format";
import { useCancelReplay, useReplays, useStartReplay } from "@/components/delivery/use-delivery";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/states";
import { Time } from "@/components/ui/time";
import type { ReplayView } from "@/lib/delivery/replay-runs";

// Replay: archived events of a window, from chosen sources, sent again to this destination as if
// new (filters and the integrations object apply, original messageIds). Owners and Source Admins
// start and cancel; everyone sees the progress.

const WINDOWS = [
  { id: "1h", label: "Last hour", ms: 3_600_000 },
  { id: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { id: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
  { id: "custom", label: "Custom range", ms: 0 },
] as const;

const local = (t: number) => {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

function Progress({
  r,
  onCancel,
  canCancel,
  cancelling,
}: {
  r: ReplayView;
  onCancel: () => void;
  canCancel: boolean;
  cancelling: boolean;
}) {
  const finished = r.delivered + r.failed;
  const share = r.routed > 0 ? finished / r.routed : r.status === "running" ? 0 : 1;
  return (
    <li className="py-3" data-testid="replay-row" data-status={r.status}>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone={r.status === "running" ? "blue" : r.status === "done" ? "green" : "gray"}>
          {r.status}
        </Badge>
        <span className="text-slate-800">
          <Time value={r.from} /> – <Time value={r.to} />
        </span>
        <span className="text-xs text-slate-500">
          by {r.createdBy} · {r.sourceIds.length} source{r.sourceIds.length === 1 ? "" : "s"}
        </span>
        {canCancel && r.status === "running" && (
          <Button size="sm" variant="secondary" className="ml-auto" onClick={onCancel} pending={cancelling}>
            Cancel replay
          </Button>
        )}
      </div>
      <div
        className="mt-2 h-2 overflow-hidden rounded-full bg-slate-100"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(share * 100)}
        aria-label="Replay progress"
      >
        <div
          className="h-full bg-brand-600 transition-all"
          style={{ width: `${Math.round(share * 100)}%` }}
        />
      </div>
      <p className="mt-1 text-xs text-slate-600" data-testid="replay-progress">
        {formatCount(r.routed)} routed · {formatCount(r.delivered)} delivered · {formatCount(r.filtered)}{" "}
        filtered · {formatCount(r.failed)} failed
        {r.pending > 0 && ` · ${formatCount(r.pending)} in the queue`}
        {r.alreadyQueued > 0 && (
          <span title="A job for these messages was already queued for this destination (still retrying, or queued by an earlier replay): that job delivers them, so they were not queued twice">
            {` · ${formatCount(r.alreadyQueued)} already queued`}
          </span>
        )}
      </p>
    </li>
  );
}

export function ReplayPanel({ destinationId }: { destinationId: string }) {
  const ws = useWorkspace();
  const { data, error } = useReplays(destinationId);
  const start = useStartReplay(destinationId);
  const cancel = useCancelReplay(destinationId);
  const [open, setOpen] = useState(false);
  const [windowId, setWindowId] = useState<(typeof WINDOWS)[number]["id"]>("1h");
  const [from, setFrom] = useState(() => local(Date.now() - 3_600_000));
  const [to, setTo] = useState(() => local(Date.now()));
  const [chosen, setChosen] = useState<string[] | null>(null);
  const canOperate = ws.can("delivery.operate");
  const sources = data?.sources ?? [];
  const selected = chosen ?? sources.map((s) => s.id);

  function submit(e: FormEvent) {
    e.preventDefault();
    const now = Date.now();
    const preset = WINDOWS.find((w) => w.id === windowId)!;
    const range =
      preset.id === "custom"
        ? { from: new Date(from).toISOString(), to: new Date(to).toISOString() }
        : { from: new Date(now - preset.ms).toISOString(), to: new Date(now).toISOString() };
    start.mutate({ sourceIds: selected, ...range }, { onSuccess: () => setOpen(false) });
  }

  return (
    <Card title="Replay">
      <p className="text-sm text-slate-600">
        Send archived events again to this destination — for a destination just added, or one that was
        misconfigured. They pass the integrations object and this destination's filters again, keep their
        original messageId (sent as the idempotency key) and are sent at most{" "}
        {formatCount(data?.ratePerSecond ?? 0)} a second so live events keep their latency.{" "}
        {data && (
          <span data-testid="replay-retention">
            The archive keeps events for {data.retentionDays} days: a replay can start no earlier than{" "}
            <Time value={data.earliest} />.
          </span>
        )}
      </p>
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {error.message}
        </p>
      )}
      {canOperate && !open && (
        <Button
          className="mt-3"
          size="sm"
          variant="secondary"
          onClick={() => setOpen(true)}
          disabled={sources.length === 0}
        >
          Replay events…
        </Button>
      )}
      {canOperate && sources.length === 0 && data && (
        <p className="mt-2 text-xs text-slate-500">
          Connect a source to this destination to replay its events.
        </p>
      )}
      {open && (
        <form
          onSubmit={submit}
          className="mt-3 space-y-3 rounded-md border border-slate-200 p-3 text-sm"
          aria-label="Replay events"
        >
          <fieldset>
            <legend className="font-medium text-slate-800">Sources</legend>
            {sources.map((s) => (
              <label key={s.id} className="mr-4 inline-flex items-center gap-1.5">
                <input
                  type="checkbox"
                  checked={selected.includes(s.id)}
                  onChange={(e) =>
                    setChosen(e.target.checked ? [...selected, s.id] : selected.filter((id) => id !== s.id))
                  }
                />
                {s.name} <span className="text-xs text-slate-500">({s.environment})</span>
              </label>
            ))}
          </fieldset>
          <label className="block">
            <span className="font-medium text-slate-800">Events received</span>
            <select
              className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5"
              value={windowId}
              onChange={(e) => setWindowId(e.target.value as typeof windowId)}
            >
              {WINDOWS.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.label}
                </option>
              ))}
            </select>
          </label>
          {windowId === "custom" && (
            <div className="flex flex-wrap gap-3">
              <label>
                From{" "}
                <input
                  type="datetime-local"
                  value={from}
                  onChange={(e) => setFrom(e.target.value)}
                  className="rounded-md border border-slate-300 px-2 py-1"
                />
              </label>
              <label>
                To{" "}
                <input
                  type="datetime-local"
                  value={to}
                  onChange={(e) => setTo(e.target.value)}
                  className="rounded-md border border-slate-300 px-2 py-1"
                />
              </label>
            </div>
          )}
          {start.error && (
            <p role="alert" className="text-red-700">
              {start.error.message}
            </p>
          )}
          <div className="flex gap-2">
            <Button type="submit" size="sm" pending={start.isPending} disabled={selected.length === 0}>
              Start replay
            </Button>
            <Button size="sm" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
      {data && data.replays.length > 0 && (
        <ul className="mt-3 divide-y divide-slate-100" aria-label="Replays">
          {data.replays.map((r) => (
            <Progress
              key={r.id}
              r={r}
              canCancel={canOperate}
              cancelling={cancel.isPending && cancel.variables === r.id}
              onCancel={() => cancel.mutate(r.id)}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}
