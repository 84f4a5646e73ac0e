"use client";

import { useState } from "react";
import { EventDeliveries } from "@/components/debugger/event-deliveries";
import { ProtocolNotes } from "@/components/debugger/protocol-notes";
import type { DebugEvent } from "@/components/debugger/use-debugger-stream";
import { CopyButton } from "@/components/ui/copy-button";
import { prettyCall } from "@/lib/debugger/pretty";

export function EventDetail({ event, sourceId }: { event: DebugEvent | null; sourceId: string }) {
  const [view, setView] = useState<"pretty" | "raw">("pretty");
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
  const shown = view === "pretty" ? pretty.code : raw;
  return (
    <section
      aria-label="Event detail"
      className="flex h-[600px] flex-col rounded-lg border border-slate-200 bg-white"
    >
      <header className="flex items-center gap-2 border-b border-slate-100 px-4 py-2">
        <div role="tablist" aria-label="Payload view" className="flex gap-1">
          {(["pretty", "raw"] as const).map((v) => (
            <button
              key={v}
              role="tab"
              type="button"
              aria-selected={view === v}
              onClick={() => setView(v)}
              className={`rounded px-2.5 py-1 text-xs font-medium ${view === v ? "bg-slate-800 text-white" : "bg-slate-100 text-slate-700"}`}
            >
              {v === "pretty" ? "Pretty" : "Raw"}
            </button>
          ))}
        </div>
        <span className="text-xs text-slate-500">
          {view === "pretty"
            ? `as written with ${pretty.style === "http" ? "the HTTP API" : `the ${pretty.style} library`}`
            : "as stored"}
        </span>
        <span className="ml-auto">
          <CopyButton value={shown} label="Copy" />
        </span>
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
      <pre className="min-h-0 flex-1 overflow-auto p-4 text-xs leading-relaxed" data-testid="payload">
        <code>{shown}</code>
      </pre>
      {event.status === "accepted" && <EventDeliveries sourceId={sourceId} seq={event.seq} />}
    </section>
  );
}
