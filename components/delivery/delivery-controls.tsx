"use client";

import { type ReactNode, useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { formatCount } from "@/components/delivery/format";
import { ControlBadges } from "@/components/delivery/health-badge";
import { useDeliveryOperation } from "@/components/delivery/use-delivery";
import { Button } from "@/components/ui/button";
import { Confirm } from "@/components/ui/confirm";
import { Time } from "@/components/ui/time";
import type { DiscardResult } from "@/lib/delivery/control";
import type { DeliveryControlView, ErrorsView, KeyMetricsView } from "@/lib/metrics/types";

// The destination's delivery state (running / paused, circuit breaker) for everyone, and the
// controls (pause, resume, discard queued messages) for owners and Source Admins.

function stateLine(c: DeliveryControlView): ReactNode {
  if (c.paused)
    return (
      <>
        Paused{c.pausedBy ? ` by ${c.pausedBy}` : ""}
        {c.pausedAt ? (
          <>
            {" "}
            at <Time value={c.pausedAt} />
          </>
        ) : null}
        : events are still routed and queued, nothing is sent. Queued messages keep their retry deadline.
      </>
    );
  if (c.breaker === "open")
    return (
      <>
        The destination keeps failing, so it is sent one message at a time (circuit breaker open since{" "}
        <Time value={c.breakerSince ?? 0} />
        ). Next probe {c.nextProbeAt ? <Time value={c.nextProbeAt} mode="relative" /> : "soon"}; the first
        success resumes full speed.
      </>
    );
  if (c.breaker === "probing")
    return "Probing: one message is being tried; on success the backlog drains at full speed.";
  return "Sending normally.";
}

export function DeliveryControls({
  destinationId,
  metrics,
  errors,
}: {
  destinationId: string;
  metrics: KeyMetricsView;
  errors?: ErrorsView;
}) {
  const ws = useWorkspace();
  const c = metrics.control;
  const pause = useDeliveryOperation<DeliveryControlView>(destinationId, "pause");
  const resume = useDeliveryOperation<DeliveryControlView>(destinationId, "resume");
  const discard = useDeliveryOperation<DiscardResult>(destinationId, "discard");
  const [confirming, setConfirming] = useState(false);
  const [errorType, setErrorType] = useState("");
  const types = [
    ...new Set((errors?.errors ?? []).filter((e) => e.state === "retrying").map((e) => e.errorType)),
  ];
  const queued = metrics.retryingNow + metrics.queuedNow;
  const failure = pause.error ?? resume.error ?? discard.error;
  return (
    <section
      aria-label="Delivery state"
      className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm"
      data-testid="delivery-controls"
    >
      <span className="font-medium text-slate-900">
        {c.paused ? "Paused" : "Running"}
        <ControlBadges control={c} />
      </span>
      <span className="flex-1 text-slate-600" data-testid="delivery-state">
        {stateLine(c)}
      </span>
      {ws.can("delivery.operate") && (
        <span className="flex flex-wrap items-center gap-2">
          {c.paused ? (
            <Button size="sm" onClick={() => resume.mutate({})} pending={resume.isPending}>
              Resume delivery
            </Button>
          ) : (
            <Button size="sm" variant="secondary" onClick={() => pause.mutate({})} pending={pause.isPending}>
              Pause delivery
            </Button>
          )}
          <Button
            size="sm"
            variant="secondary"
            disabled={queued === 0}
            onClick={() => setConfirming(true)}
            pending={discard.isPending}
          >
            Discard queued…
          </Button>
        </span>
      )}
      {discard.data && (
        <p role="status" className="w-full text-xs text-slate-600">
          Discarded {formatCount(discard.data.discarded)} queued message
          {discard.data.discarded === 1 ? "" : "s"}
          {discard.data.inFlight > 0 &&
            `; ${formatCount(discard.data.inFlight)} being sent right now finish their attempt`}
          .
        </p>
      )}
      {failure && (
        <p role="alert" className="w-full text-xs text-red-700">
          {failure.message}
        </p>
      )}
      <Confirm
        open={confirming}
        title="Discard queued messages?"
        confirmLabel="Discard"
        danger
        pending={discard.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          discard.mutate(errorType ? { errorType } : {}, { onSettled: () => setConfirming(false) })
        }
      >
        <p>
          {formatCount(queued)} message{queued === 1 ? " is" : "s are"} waiting for this destination.
          Discarded messages are not sent; they count as not delivered with the reason “discarded”, and the
          action is recorded in the audit log.
        </p>
        {types.length > 0 && (
          <label className="mt-3 block text-sm">
            <span className="text-slate-700">Which messages</span>
            <select
              className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5"
              value={errorType}
              onChange={(e) => setErrorType(e.target.value)}
            >
              <option value="">All queued messages</option>
              {types.map((t) => (
                <option key={t} value={t}>
                  Only those whose last attempt failed with {t.replaceAll("_", " ")}
                </option>
              ))}
            </select>
          </label>
        )}
      </Confirm>
    </section>
  );
}
