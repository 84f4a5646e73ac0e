"use client";

import { useState } from "react";
import { EventDelivery } from "@/components/debugger/event-delivery";
import { ProtocolNotes } from "@/components/debugger/protocol-notes";
import type { DebugEvent } from "@/components/debugger/use-debugger-stream";
import { CopyButton } from "@/components/ui/copy-button";
import { prettyCall } from "@/lib/debugger/pretty";

const VIEWS = { pretty: "Pretty", raw: "Raw", delivery: "Delivery" } as const;

export function EventDetail({ event, sourceId }: { event: DebugEvent | null; sourceId: string }) {
  const [view, setView] = useState<keyof typeof VIEWS>("pretty");
  if (!event) {
    return (
      <section
        aria-label="Event detail"
        className="flex h-[600px] items-center justify-center rounded-lg border border-dashed border-slate-300 bg-white text-sm text-slate-500"
      >
        Select an event to see its payload.
      </section>
    );
  }
  const raw = JSON.stringify(event.message, null, 2);
  const pretty = prettyCall(event.message);
  const shown = view === "raw" ? raw : pretty.code;
  return (
    <section
      aria-label="Event detail"
      className="flex h-[600px] flex-col rounded-lg border border-slate-200 bg-white"
    >
      <header className="flex items-center gap-2 border-b border-slate-100 px-4 py-2">
        <div role="tablist" aria-label="Payload view" className="flex gap-1">
          {(Object.keys(VIEWS) as (keyof typeof VIEWS)[]).map((v) => (
            <button
              key={v}
              role="tab"
              type="button"
              aria-selected={view === v}
              onClick={() => setView(v)}
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
        <>
          <pre className="min-h-0 flex-1 overflow-auto p-4 text-xs leading-relaxed" data-testid="payload">
            <code>{shown}</code>
          </pre>
        </>
      )}
    </section>
  );
}
