"use client";

import { useState } from "react";
import { prettySample } from "@/components/delivery/format";
import { useErrorSamples } from "@/components/delivery/use-delivery";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { ScrollablePre } from "@/components/ui/scrollable-pre";
import { Time } from "@/components/ui/time";

// The three steps of a failed message's journey, as stored (secrets already redacted by the
// delivery engine): what the source sent, what went to the destination, what came back.

const PANES = [
  { key: "youSent", title: "You Sent" },
  { key: "request", title: "Request to Destination" },
  { key: "response", title: "Response from Destination" },
] as const;

export function SamplePanes({
  destinationId,
  errorType,
  qs,
}: {
  destinationId: string;
  errorType: string;
  qs: string;
}) {
  const { data, isPending, error } = useErrorSamples(destinationId, errorType, qs);
  const [index, setIndex] = useState(0);
  if (isPending)
    return (
      <div
        role="status"
        className="h-40 animate-pulse rounded-md bg-slate-100"
        aria-label="Loading samples"
      />
    );
  if (error) return <p className="text-sm text-red-700">Samples could not be loaded: {error.message}</p>;
  const samples = data.samples;
  if (samples.length === 0)
    return (
      <p className="text-sm text-slate-500">
        No sample kept for this error (samples follow the archive's retention).
      </p>
    );
  const sample = samples[Math.min(index, samples.length - 1)]!;
  return (
    <div data-testid="sample-payloads">
      <div className="mb-2 flex flex-wrap items-center gap-2 text-xs text-slate-600">
        <span>
          Sample {Math.min(index, samples.length - 1) + 1} of {samples.length} ·{" "}
          <Time value={sample.at} seconds /> · message <code>{sample.messageId}</code>
          {!sample.inPeriod && " · from before this period"}
        </span>
        {samples.length > 1 && (
          <>
            <Button size="sm" variant="ghost" disabled={index === 0} onClick={() => setIndex(index - 1)}>
              Newer
            </Button>
            <Button
              size="sm"
              variant="ghost"
              disabled={index >= samples.length - 1}
              onClick={() => setIndex(index + 1)}
            >
              Older
            </Button>
          </>
        )}
      </div>
      <div className="grid gap-3 lg:grid-cols-3">
        {PANES.map((pane) => {
          const text = prettySample(sample[pane.key]);
          return (
            <section
              key={pane.key}
              aria-label={pane.title}
              className="min-w-0 rounded-md border border-slate-200"
            >
              <header className="flex items-center justify-between border-b border-slate-100 bg-slate-50 px-3 py-1.5">
                <h4 className="text-xs font-semibold text-slate-700">{pane.title}</h4>
                <CopyButton value={text} label={`Copy ${pane.title}`} />
              </header>
              <ScrollablePre
                data-testid={`sample-${pane.key}`}
                className="max-h-80 overflow-auto whitespace-pre-wrap break-all p-3 font-mono text-xs text-slate-800"
              >
                {text}
              </ScrollablePre>
            </section>
          );
        })}
      </div>
    </div>
  );
}
