"use client";

import { useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { AdvancedSearch } from "@/components/debugger/advanced-search";
import { DebuggerEmpty } from "@/components/debugger/debugger-empty";
import { type DetailView, EventDetail } from "@/components/debugger/event-detail";
import { EventList } from "@/components/debugger/event-list";
import { FilterChips } from "@/components/debugger/filter-chips";
import { useDebuggerKeys } from "@/components/debugger/use-debugger-keys";
import {
  type Connection,
  type DebugEvent,
  streamUrl,
  useDebuggerStream,
} from "@/components/debugger/use-debugger-stream";
import { useIsWide, useViewState } from "@/components/debugger/use-view-state";
import { Button } from "@/components/ui/button";
import { serverFilter, TEXT_MAX, type ViewState, withSearchText } from "@/lib/debugger/view-state";

const CONNECTION: Record<Connection, { label: string; dot: string }> = {
  connecting: { label: "Connecting…", dot: "bg-slate-400" },
  live: { label: "Connected", dot: "bg-emerald-500" },
  reconnecting: { label: "Reconnecting…", dot: "bg-amber-500 animate-pulse" },
  failed: { label: "Disconnected — reload the page", dot: "bg-red-500" },
};

export function DebuggerView({ sourceId, initial }: { sourceId: string; initial: ViewState }) {
  const ws = useWorkspace();
  const [state, setState] = useViewState(initial);
  const [showAdvanced, setShowAdvanced] = useState(false);
  // The selected event is kept whole, so an open event stays readable after it leaves the list.
  const [selected, setSelected] = useState<DebugEvent | null>(null);
  const [open, setOpen] = useState(false);
  // The open event's tab, here so it outlives a switch between the pane and the sheet.
  const [view, setView] = useState<DetailView>("pretty");
  const wide = useIsWide();
  const listRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const server = serverFilter(state);
  const stream = useDebuggerStream(streamUrl(ws.api(`/sources/${sourceId}/debugger`), server), open);
  const query = useDeferredValue(state.q.trim().toLowerCase());
  const visible = useMemo(
    () => (query ? stream.events.filter((e) => e.text.includes(query)) : stream.events),
    [stream.events, query],
  );
  const conn = CONNECTION[stream.connection];
  const filtered = Boolean(server.types.length || server.event || server.user || server.q || server.rejected);
  const sheet = open && selected !== null && !wide;

  const showNew = () => {
    listRef.current?.scrollTo({ top: 0 });
    stream.release();
  };
  const close = () => {
    if (!open) return false;
    setOpen(false); // releases what was held (use-debugger-stream.ts), shown from the top
    if (stream.buffered > 0) listRef.current?.scrollTo({ top: 0 });
    listRef.current?.focus();
    return true;
  };
  useDebuggerKeys({
    move: (by) => {
      if (visible.length === 0) return;
      const at = selected ? visible.findIndex((e) => e.seq === selected.seq) : -1;
      setSelected(visible[at < 0 ? 0 : Math.min(visible.length - 1, Math.max(0, at + by))]!);
      if (document.activeElement === document.body) listRef.current?.focus();
    },
    open: () => {
      const target = selected ?? visible[0];
      if (!target) return;
      setSelected(target);
      setOpen(true);
    },
    close,
    list: () => listRef.current,
  });

  // The sheet is modal: focus goes into it and the page behind does not scroll.
  useEffect(() => {
    if (!sheet) return;
    closeRef.current?.focus();
    const overflow = document.body.style.overflow;
    document.body.style.overflow = "hidden";
    return () => {
      document.body.style.overflow = overflow;
    };
  }, [sheet]);

  const update = (next: ViewState | ((s: ViewState) => ViewState)) => setState(next);

  return (
    <div className="min-w-0 space-y-3" data-testid="debugger">
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
            {stream.buffered} new {stream.buffered === 1 ? "event" : "events"} while paused
          </span>
        )}
        <div className="flex w-full min-w-0 flex-wrap items-center gap-2 sm:ml-auto sm:w-auto sm:flex-nowrap">
          <label htmlFor="debugger-search" className="sr-only">
            Search events
          </label>
          <input
            id="debugger-search"
            type="search"
            value={state.q}
            maxLength={TEXT_MAX}
            onChange={(e) => update((s) => withSearchText(s, e.target.value))}
            onKeyDown={(e) => {
              if (e.key === "Enter") update((s) => ({ ...s, history: Boolean(s.q.trim()) }));
            }}
            placeholder="Search payloads (Enter: all history)"
            className="min-w-0 flex-1 basis-40 rounded-md border border-slate-300 px-3 py-1.5 text-sm sm:w-72 sm:flex-none sm:basis-auto"
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
          // Remounted when the applied filters change (a chip removed, Clear all): fields follow.
          key={JSON.stringify([state.types, state.event, state.user, state.rejected])}
          value={state}
          onApply={(f) => update((s) => ({ ...s, ...f }))}
        />
      )}
      <FilterChips state={state} onChange={update} />
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
      {stream.ready && stream.events.length === 0 && !stream.paused && !open ? (
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
            selected={selected?.seq ?? null}
            onSelect={(e) => {
              setSelected(e);
              setOpen(true);
            }}
            buffered={stream.paused ? 0 : stream.buffered}
            onShowNew={showNew}
            listRef={listRef}
          />
          {wide && (
            <EventDetail
              event={open ? selected : null}
              sourceId={sourceId}
              onClose={close}
              view={view}
              onView={setView}
            />
          )}
        </div>
      )}
      {sheet && (
        <EventDetail
          event={selected}
          sourceId={sourceId}
          sheet
          onClose={close}
          closeRef={closeRef}
          view={view}
          onView={setView}
        />
      )}
    </div>
  );
}
