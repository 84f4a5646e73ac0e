"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { type RefObject, useEffect } from "react";
import { EventTime } from "@/components/debugger/event-time";
import { ProtocolBadges } from "@/components/debugger/protocol-notes";
import type { DebugEvent } from "@/components/debugger/use-debugger-stream";
import { Badge, type Tone } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/states";
import { summarize } from "@/lib/debugger/pretty";
import { eventTime } from "@/lib/debugger/time";

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

export const optionId = (seq: number) => `debugger-event-${seq}`;

/**
 * The events as a listbox: one tab stop, the selection shown with aria-activedescendant (keys
 * are handled by the page, see use-debugger-keys.ts). Virtualized; the selected row is scrolled
 * into view when the selection moves, never when events arrive.
 */
export function EventList({
  events,
  total,
  loading,
  selected,
  onSelect,
  buffered,
  onShowNew,
  listRef,
}: {
  events: DebugEvent[];
  total: number;
  loading: boolean;
  selected: number | null;
  onSelect: (e: DebugEvent) => void;
  /** Live events held back while an event is open (0 when none or while paused). */
  buffered: number;
  onShowNew: () => void;
  listRef: RefObject<HTMLDivElement | null>;
}) {
  const virtual = useVirtualizer({
    count: events.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW,
    overscan: 10,
  });
  const selectedIndex = selected === null ? -1 : events.findIndex((e) => e.seq === selected);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the selection only, so arriving events never scroll the list
  useEffect(() => {
    if (selectedIndex >= 0) virtual.scrollToIndex(selectedIndex, { align: "auto" });
  }, [selected]);

  return (
    <section aria-label="Events" className="min-w-0 rounded-lg border border-slate-200 bg-white">
      <header className="flex flex-wrap justify-between gap-x-3 border-b border-slate-100 px-4 py-2 text-xs text-slate-500">
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
        <div className="relative">
          {buffered > 0 && (
            // Floats over the list rather than pushing it down: the list must not move.
            <button
              type="button"
              data-testid="new-events"
              onClick={onShowNew}
              className="absolute top-2 left-1/2 z-10 -translate-x-1/2 rounded-full bg-brand-600 px-3 py-1 text-xs font-medium whitespace-nowrap text-white shadow-md hover:bg-brand-700"
            >
              <span aria-hidden="true">↑ </span>
              {buffered.toLocaleString("en-US")} new {buffered === 1 ? "event" : "events"}
            </button>
          )}
          <div
            ref={listRef}
            role="listbox"
            aria-label="Events"
            tabIndex={0}
            aria-activedescendant={selectedIndex >= 0 ? optionId(selected!) : undefined}
            className="group h-[560px] overflow-auto focus-visible:outline-offset-[-2px]"
            data-testid="event-list"
          >
            <div role="presentation" style={{ height: virtual.getTotalSize(), position: "relative" }}>
              {virtual.getVirtualItems().map((item) => {
                const e = events[item.index]!;
                const m = e.message;
                const isSelected = selected === e.seq;
                return (
                  // The listbox has the focus and the keys (aria-activedescendant), not its options.
                  // biome-ignore lint/a11y/useKeyWithClickEvents: see above
                  // biome-ignore lint/a11y/useFocusableInteractive: see above
                  <div
                    key={e.seq}
                    id={optionId(e.seq)}
                    role="option"
                    aria-selected={isSelected}
                    aria-posinset={item.index + 1}
                    aria-setsize={events.length}
                    data-testid="event-row"
                    onClick={() => onSelect(e)}
                    style={{ height: ROW, transform: `translateY(${item.start}px)` }}
                    className={`absolute inset-x-0 top-0 flex cursor-pointer items-center gap-3 border-b border-slate-100 px-4 text-left text-sm ${
                      isSelected
                        ? "bg-brand-50 shadow-[inset_3px_0_0_var(--color-brand-600)] group-focus:outline-2 group-focus:-outline-offset-2 group-focus:outline-brand-500"
                        : "hover:bg-slate-50"
                    }`}
                  >
                    <span className="w-16 shrink-0">
                      <Badge tone={TYPE_TONE[String(m.type)] ?? "gray"}>{String(m.type ?? "?")}</Badge>
                    </span>
                    <span className="min-w-0 flex-1 truncate font-medium">{summarize(m)}</span>
                    {e.status === "rejected" && <Badge tone="red">Rejected</Badge>}
                    <ProtocolBadges event={e} />
                    <span className="hidden w-28 truncate text-xs text-slate-500 xl:block">{userOf(m)}</span>
                    <EventTime
                      at={eventTime(m, e.receivedAt)}
                      label="timestamp"
                      className="shrink-0 text-right text-xs whitespace-nowrap text-slate-500 tabular-nums"
                    />
                  </div>
                );
              })}
            </div>
          </div>
          {events.length === 0 && (
            <p className="absolute inset-x-0 top-0 p-6 text-center text-sm text-slate-500">
              No event in view matches the search.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
