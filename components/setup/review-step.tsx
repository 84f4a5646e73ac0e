"use client";

import { useState } from "react";
import { PlanFromUseCase } from "@/components/protocols/plan-from-use-case";
import { EventsTable } from "@/components/setup/events-table";
import { Note, StepCard } from "@/components/setup/step-card";
import { TrackingPlan } from "@/components/setup/tracking-plan";
import { useReviewEvents } from "@/components/setup/use-setup";
import { Button } from "@/components/ui/button";
import { Confirm } from "@/components/ui/confirm";
import { Time } from "@/components/ui/time";
import type { UseCase } from "@/lib/catalog/use-cases";
import type { SetupRecord } from "@/lib/use-cases/types";

/** Step 1: the suggested events, as a table and as code; marking them reviewed locks the use case. */
export function ReviewStep({
  useCase,
  setup,
  canEdit,
  onChangeUseCase,
}: {
  useCase: UseCase;
  setup: SetupRecord;
  canEdit: boolean;
  onChangeUseCase: () => void;
}) {
  const reviewed = setup.reviewedAt !== null;
  const [open, setOpen] = useState(!reviewed);
  const [library, setLibrary] = useState(setup.library);
  const review = useReviewEvents();
  const [confirming, setConfirming] = useState(false);
  return (
    <StepCard id="review" number={1} title="Review suggested events" done={reviewed}>
      <p className="text-slate-600">
        The events and properties typically tracked for <strong>{useCase.name}</strong>. Set up tracking for
        them in your app; the Verify step below ticks each one off as it arrives.
      </p>
      {canEdit && reviewed && (
        <Button variant="secondary" size="sm" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "Hide suggested events" : "Review"}
        </Button>
      )}
      {(open || !canEdit) && (
        <div className="space-y-4" id="review-panel">
          <EventsTable events={useCase.events} />
          <PlanFromUseCase goalId={setup.goalId} useCaseSlug={setup.useCaseSlug} name={useCase.name} />
          <TrackingPlan
            events={useCase.events}
            library={library}
            onLibrary={setLibrary}
            interactive={canEdit}
          />
        </div>
      )}
      {reviewed ? (
        <Note>
          Reviewed <Time value={setup.reviewedAt!} />. The use case is locked in.
        </Note>
      ) : (
        canEdit && (
          <div className="flex flex-wrap items-center gap-3">
            <Button onClick={() => setConfirming(true)}>Mark as reviewed</Button>
            <Button variant="secondary" onClick={onChangeUseCase}>
              Change use case
            </Button>
            <span className="text-xs text-slate-500">
              Marking the events reviewed locks this use case: after that it cannot be changed.
            </span>
          </div>
        )
      )}
      {review.error && (
        <p role="alert" className="text-sm text-red-700">
          {review.error.message}
        </p>
      )}
      {canEdit && (
        <Confirm
          open={confirming}
          title={`Lock in ${useCase.name}?`}
          confirmLabel="Mark as reviewed"
          pending={review.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            review.mutate({ library: library ?? undefined }, { onSettled: () => setConfirming(false) })
          }
        >
          Once the suggested events are reviewed, this workspace stays on this use case. To compare use cases
          first, cancel and choose Change use case.
        </Confirm>
      )}
    </StepCard>
  );
}
