"use client";

import type { RefObject } from "react";
import { EventDelivery } from "@/components/debugger/event-delivery";
import { EventTime } from "@/components/debugger/event-time";
import { ProtocolNotes } from "@/components/debugger/protocol-notes";
import type { DebugEvent } from "@/components/debugger/use-debugger-stream";
import { CopyButton } from "@/components/ui/copy-button";
import { prettyCall, summarize } from "@/lib/debugger/pretty";
import { eventTime } from "@/lib/debugger/time";

const VIEWS = { pretty: "Pretty", raw: "Raw", delivery: "Delivery" } as const;
export type DetailView = keyof typeof VIEWS;

/**
 * The open event: a pane beside the list on wide screens, a full-screen sheet (a modal dialog)
 * below 1024 px. Escape closes it too (use-debugger-keys.ts). The chosen tab (Pretty, Raw,
 * Delivery) is the parent's, so it survives the switch between pane and sheet.
 */
export function EventDetail({
  event,
  sourceId,
  sheet = false,
  onClose,
  closeRef,
  view,
  onView,
}: {
  event: DebugEvent | null;
  sourceId: string;
  sheet?: boolean;
  onClose: () => void;
  closeRef?: RefObject<HTMLButtonElement | null>;
  view: DetailView;
  onView: (view: DetailView) => void;
}) {
  if (!event) {
    return (
      <section
        aria-label="Event detail"
        className="flex h-[600px] items-center justify-center rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-500"
      >
        Select an event to see its payload (↑ ↓ or j k to move, Enter to open).
      </section>
    );
  }
  const raw = JSON.stringify(event.message, null, 2);
  const pretty = prettyCall(event.message);
  const shown = view === "raw" ? raw : pretty.code;
  const happened = eventTime(event.message, event.receivedAt);
  return (
    <section
      aria-label="Event detail"
      data-testid="event-detail"
      {...(sheet ? { role: "dialog", "aria-modal": true } : {})}
      className={
        sheet
          ? "fixed inset-0 z-50 flex flex-col bg-white"
          : "flex h-[600px] min-w-0 flex-col rounded-lg border border-slate-200 bg-white"
      }
    >
      <div className="flex items-center gap-2 border-b border-slate-100 px-4 py-2">
        <h2 className="min-w-0 flex-1 truncate text-sm font-semibold text-slate-900">
          {String(event.message.type ?? "?")} · {summarize(event.message)}
        </h2>
        <button
          ref={closeRef}
          type="button"
          onClick={onClose}
          title="Close (Esc)"
          className="shrink-0 rounded px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
        >
          Close
        </button>
      </div>
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-4 py-2">
        <div role="tablist" aria-label="Payload view" className="flex gap-1">
          {(Object.keys(VIEWS) as (keyof typeof VIEWS)[]).map((v) => (
            <button
              key={v}
              role="tab"
              type="button"
              aria-selected={view === v}
              onClick={() => onView(v)}
              className={`rounded px-2.5 py-1 text-xs font-medium ${view === v ? "bg-slate-800 text-white dark:text-slate-50" : "bg-slate-100 text-slate-700"}`}
            >
              {VIEWS[v]}
            </button>
          ))}
        </div>
        <span className="text-xs text-slate-500">
          {view === "pretty"
            ? `as written with ${pretty.style === "http" ? "the HTTP API" : `the ${pretty.style} library`}`
            : view === "raw"
              ? "as stored"
              : "what became of it at each connected destination"}
        </span>
        {view !== "delivery" && (
          <span className="ml-auto">
            <CopyButton value={shown} label="Copy" />
          </span>
        )}
      </header>
      <p className="flex flex-wrap gap-x-4 border-b border-slate-100 px-4 py-1.5 text-xs text-slate-500">
        <span>
          timestamp <EventTime at={happened} className="font-medium text-slate-700 tabular-nums" />
        </span>
        <span>
          received <EventTime at={event.receivedAt} className="font-medium text-slate-700 tabular-nums" />
        </span>
      </p>
      {event.status === "rejected" && (
        <p
          role="alert"
          data-testid="rejection-reason"
          className="border-b border-red-100 bg-red-50 px-4 py-2 text-sm text-red-800"
        >
          Rejected: {event.reason}
        </p>
      )}
      <ProtocolNotes event={event} />
      {view === "delivery" ? (
        <EventDelivery sourceId={sourceId} seq={event.seq} />
      ) : (
        <pre className="min-h-0 flex-1 overflow-auto p-4 text-xs leading-relaxed" data-testid="payload">
          <code>{shown}</code>
        </pre>
      )}
    </section>
  );
}
