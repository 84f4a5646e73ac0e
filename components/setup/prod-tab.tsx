"use client";

import { CompleteStep } from "@/components/setup/complete-step";
import { ProdDestinationStep } from "@/components/setup/prod-destination-step";
import { ProdSourceStep } from "@/components/setup/prod-source-step";
import { Note } from "@/components/setup/step-card";
import { VerifyStep } from "@/components/setup/verify-step";
import type { Progress, SetupRecord } from "@/lib/use-cases/types";

export function ProdTab({
  setup,
  progress,
  canEdit,
}: {
  setup: SetupRecord;
  progress: Progress;
  canEdit: boolean;
}) {
  return (
    <>
      {!progress.devVerified && (
        <Note>
          Publish once dev works: every suggested event should have arrived in dev first (Dev tab, Verify dev
          data).
        </Note>
      )}
      <ProdSourceStep
        devSources={progress.sources.dev}
        prodSources={progress.sources.prod}
        canEdit={canEdit}
        reviewed={setup.reviewedAt !== null}
      />
      <ProdDestinationStep
        devDestinations={progress.destinations.dev}
        prodDestinations={progress.destinations.prod}
        prodSources={progress.sources.prod}
        canEdit={canEdit}
      />
      <VerifyStep env="prod" number={3} progress={progress} verifiedAt={setup.prodVerifiedAt} />
      <CompleteStep setup={setup} progress={progress} canEdit={canEdit} />
    </>
  );
}
