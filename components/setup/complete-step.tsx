"use client";

import { Note, StepCard } from "@/components/setup/step-card";
import { useCompleteSetup } from "@/components/setup/use-setup";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import type { Progress, SetupRecord } from "@/lib/use-cases/types";

/** Prod step 4: Mark as complete, once prod has a source, an enabled destination and data. */
export function CompleteStep({
  setup,
  progress,
  canEdit,
}: {
  setup: SetupRecord;
  progress: Progress;
  canEdit: boolean;
}) {
  const complete = useCompleteSetup();
  return (
    <StepCard id="complete" number={4} title="Mark as complete" done={setup.completedAt !== null}>
      {setup.completedAt ? (
        <p className="text-emerald-800">
          Completed <Time value={setup.completedAt} />. Your data is flowing in prod.
        </p>
      ) : (
        <>
          {progress.missing.length > 0 ? (
            <div>
              <p className="text-slate-600">Still to do:</p>
              <ul className="mt-1 list-inside list-disc text-slate-700" data-testid="missing">
                {progress.missing.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="text-slate-600">Everything checks out in dev and prod.</p>
          )}
          {canEdit && (
            <Button
              disabled={progress.missing.length > 0}
              pending={complete.isPending}
              onClick={() => complete.mutate()}
            >
              Mark as complete
            </Button>
          )}
          {complete.error && (
            <p role="alert" className="text-sm text-red-700">
              {complete.error.message}
            </p>
          )}
        </>
      )}
      {!canEdit && !setup.completedAt && <Note>A Workspace Owner marks setup complete.</Note>}
    </StepCard>
  );
}
