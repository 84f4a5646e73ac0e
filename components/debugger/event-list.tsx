"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { ProtocolBadges } from "@/components/debugger/protocol-notes";
import type { DebugEvent } from "@/components/debugger/use-debugger-stream";
import { Badge, type Tone } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/states";
import { summarize } from "@/lib/debugger/pretty";

const TYPE_TONE: Record<string, Tone> = {
  track: "blue",
  identify: "violet",
  page: "green",
  screen: "green",
  group: "amber",
  alias: "gray",
};

const ROW = 48;

function userOf(m: Record<string, unknown>) {
  return String(m.userId ?? m.anonymousId ?? "—");
}

export function EventList({
  events,
  total,
  loading,
  selected,
  onSelect,
}: {
  events: DebugEvent[];
  total: number;
  loading: boolean;
  selected: number | null;
  onSelect: (seq: number) => void;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: events.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW,
    overscan: 10,
  });
  return (
    <section aria-label="Events" className="rounded-lg border border-slate-200 bg-white">
      <header className="flex justify-between border-b border-slate-100 px-4 py-2 text-xs text-slate-500">
        <span data-testid="event-count">
          {events.length === total ? `${total} events` : `${events.length} of ${total} events match`}
        </span>
        <span>newest first · last 500 kept</span>
      </header>
      {loading && total === 0 ? (
        <div className="px-4">
          <Spinner label="Loading recent events" />
        </div>
      ) : (
        <div ref={parent} className="h-[560px] overflow-auto" data-testid="event-list">
          <ul style={{ height: virtual.getTotalSize(), position: "relative" }}>
            {virtual.getVirtualItems().map((item) => {
              const e = events[item.index]!;
              const m = e.message;
              return (
                <li
                  key={e.seq}
                  style={{
                    position: "absolute",
                    top: 0,
                    left: 0,
                    right: 0,
                    height: ROW,
                    transform: `translateY(${item.start}px)`,
                  }}
                >
                  <button
                    type="button"
                    data-testid="event-row"
                    aria-current={selected === e.seq || undefined}
                    onClick={() => onSelect(e.seq)}
                    className={`flex h-full w-full items-center gap-3 border-b border-slate-100 px-4 text-left text-sm hover:bg-slate-50 ${
                      selected === e.seq ? "bg-brand-50" : ""
                    }`}
                  >
                    <span className="w-16 shrink-0">
                      <Badge tone={TYPE_TONE[String(m.type)] ?? "gray"}>{String(m.type ?? "?")}</Badge>
                    </span>
                    <span className="min-w-24 flex-1 truncate font-medium">{summarize(m)}</span>
                    {e.status === "rejected" && <Badge tone="red">Rejected</Badge>}
                    <ProtocolBadges event={e} />
                    <span className="hidden w-28 truncate text-xs text-slate-500 xl:block">{userOf(m)}</span>
                    <time
                      className="w-20 shrink-0 text-right text-xs text-slate-500"
                      dateTime={new Date(e.receivedAt).toISOString()}
                    >
                      {new Date(e.receivedAt).toLocaleTimeString()}
                    </time>
                  </button>
                </li>
              );
            })}
          </ul>
          {events.length === 0 && (
            <p className="p-6 text-center text-sm text-slate-500">No event in view matches the search.</p>
          )}
        </div>
      )}
    </section>
  );
}
