"use client";

import { useDeferredValue, useMemo, useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { AdvancedSearch } from "@/components/debugger/advanced-search";
import { DebuggerEmpty } from "@/components/debugger/debugger-empty";
import { EventDetail } from "@/components/debugger/event-detail";
import { EventList } from "@/components/debugger/event-list";
import {
  type Connection,
  type ServerFilter,
  streamUrl,
  useDebuggerStream,
} from "@/components/debugger/use-debugger-stream";
import { Button } from "@/components/ui/button";

const EMPTY: ServerFilter = { types: [], event: "", user: "", q: "", rejected: false };

const CONNECTION: Record<Connection, { label: string; dot: string }> = {
  connecting: { label: "Connecting…", dot: "bg-slate-400" },
  live: { label: "Connected", dot: "bg-emerald-500" },
  reconnecting: { label: "Reconnecting…", dot: "bg-amber-500 animate-pulse" },
  failed: { label: "Disconnected — reload the page", dot: "bg-red-500" },
};

export function DebuggerView({ sourceId }: { sourceId: string }) {
  const ws = useWorkspace();
  const [filter, setFilter] = useState<ServerFilter>(EMPTY);
  const [search, setSearch] = useState("");
  const [showAdvanced, setShowAdvanced] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const url = streamUrl(ws.api(`/sources/${sourceId}/debugger`), filter);
  const stream = useDebuggerStream(url);
  const query = useDeferredValue(search.trim().toLowerCase());
  const visible = useMemo(
    () => (query ? stream.events.filter((e) => e.text.includes(query)) : stream.events),
    [stream.events, query],
  );
  const current = stream.events.find((e) => e.seq === selected) ?? null;
  const conn = CONNECTION[stream.connection];
  const filtered = filter !== EMPTY;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant={stream.paused ? "primary" : "secondary"}
          aria-pressed={!stream.paused}
          onClick={() => stream.setPaused(!stream.paused)}
        >
          {stream.paused ? "Resume live" : "Pause"}
        </Button>
        <span
          className="inline-flex items-center gap-1.5 text-sm text-slate-600"
          role="status"
          data-testid="connection"
        >
          <span className={`size-2 rounded-full ${conn.dot}`} />
          {stream.paused ? "Paused" : conn.label}
        </span>
        {stream.paused && (
          <span
            data-testid="paused-count"
            className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800"
          >
            {stream.arrivedWhilePaused} new {stream.arrivedWhilePaused === 1 ? "event" : "events"} while
            paused
          </span>
        )}
        <div className="ml-auto flex min-w-0 items-center gap-2">
          <label htmlFor="debugger-search" className="sr-only">
            Search events
          </label>
          <input
            id="debugger-search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") setFilter({ ...filter, q: search.trim() });
            }}
            placeholder="Search payloads (Enter: all history)"
            className="w-full min-w-0 rounded-md border border-slate-300 px-3 py-1.5 text-sm sm:w-72"
          />
          <Button
            variant="secondary"
            aria-expanded={showAdvanced}
            onClick={() => setShowAdvanced(!showAdvanced)}
          >
            Advanced
          </Button>
        </div>
      </div>
      {showAdvanced && (
        <AdvancedSearch
          value={filter}
          onApply={(f) => setFilter(f)}
          onClear={() => {
            setFilter(EMPTY);
            setSearch("");
          }}
        />
      )}
      {stream.sample && (
        <p
          role="status"
          data-testid="sampling"
          className="rounded-md bg-slate-100 px-3 py-1.5 text-xs text-slate-600"
        >
          Showing a sample: {stream.sample.shown.toLocaleString()} of {stream.sample.arrived.toLocaleString()}{" "}
          events that arrived since you connected. Every event is still stored and delivered.
        </p>
      )}
      {stream.ready && stream.events.length === 0 && !stream.paused ? (
        filtered ? (
          <p className="rounded-md border border-dashed border-slate-300 bg-white p-8 text-center text-sm text-slate-600">
            No events match these filters yet. New matching events will appear here live.
          </p>
        ) : (
          <DebuggerEmpty sourceId={sourceId} />
        )
      ) : (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
          <EventList
            events={visible}
            total={stream.events.length}
            loading={!stream.ready}
            selected={selected}
            onSelect={setSelected}
          />
          <EventDetail event={current} sourceId={sourceId} />
        </div>
      )}
    </div>
  );
}
