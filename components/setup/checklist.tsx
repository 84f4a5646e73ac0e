"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { DevDestinationsStep } from "@/components/setup/dev-destinations-step";
import { DevSourcesStep } from "@/components/setup/dev-sources-step";
import { EnvTabs } from "@/components/setup/env-tabs";
import { ProdTab } from "@/components/setup/prod-tab";
import { ProgressBar } from "@/components/setup/progress-bar";
import { ReadOnlyNotice } from "@/components/setup/read-only-notice";
import { ReviewStep } from "@/components/setup/review-step";
import { UnifyEngageNote } from "@/components/setup/unify-engage-note";
import { useChangeUseCase, useLiveSetup, useSetup } from "@/components/setup/use-setup";
import { VerifyStep } from "@/components/setup/verify-step";
import { buttonClass } from "@/components/ui/button";
import { EmptyState, ErrorState, PageHeader } from "@/components/ui/states";
import { Time } from "@/components/ui/time";
import { getBusinessGoal, getUseCase } from "@/lib/catalog/use-cases";
import type { Env, SetupState } from "@/lib/use-cases/types";

/** Shown on the Dev tab once every dev step is done: the next steps are on the Prod tab. */
function NextToProd({ onClick }: { onClick: () => void }) {
  return (
    <section
      aria-labelledby="next-prod"
      data-testid="next-to-prod"
      className="flex flex-wrap items-center gap-3 rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3"
    >
      <div className="min-w-0 flex-1">
        <h2 id="next-prod" className="text-sm font-semibold text-emerald-900">
          Dev is done
        </h2>
        <p className="text-sm text-emerald-900">
          Every suggested event arrived from your dev build. Next, connect a prod source and destination.
        </p>
      </div>
      <button type="button" className={buttonClass("primary")} onClick={onClick}>
        Continue in Prod →
      </button>
    </section>
  );
}

/** The setup checklist: progress, Dev and Prod tabs, each step live from the setup stream. */
export function Checklist({ initial, initialTab }: { initial: SetupState; initialTab: Env }) {
  const ws = useWorkspace();
  const router = useRouter();
  const query = useSetup(initial);
  const live = useLiveSetup();
  const change = useChangeUseCase();
  const [tab, setTab] = useState<Env>(initialTab);
  const state = query.data;
  if (query.error) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  const setup = state?.setup;
  const progress = state?.progress;
  const useCase = setup && getUseCase(setup.goalId, setup.useCaseSlug);
  if (!setup || !progress || !useCase)
    return (
      <EmptyState
        title="No use case chosen"
        action={
          <Link href={`/${ws.slug}/setup`} className={buttonClass("primary")}>
            Go to guided setup
          </Link>
        }
      />
    );
  const canEdit = state.canEdit;
  const devComplete = progress.steps.filter((s) => s.env === "dev").every((s) => s.done);
  const selectTab = (env: Env) => {
    setTab(env);
    window.history.replaceState(null, "", `?tab=${env}`);
  };
  const startOver = () =>
    change.mutate(undefined, { onSuccess: () => router.push(`/${ws.slug}/setup/goal?goal=${setup.goalId}`) });
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader
        title="Setup checklist"
        description={
          <>
            {getBusinessGoal(setup.goalId)?.name} →{" "}
            <strong data-testid="use-case-name">{useCase.name}</strong>. {useCase.description}
          </>
        }
        actions={
          <span className="text-xs text-slate-500" data-testid="live-status">
            {live === "live" ? "● Live" : live === "connecting" ? "Connecting…" : "Reconnecting…"}
          </span>
        }
      />
      <ProgressBar progress={progress} />
      {!canEdit && (
        <div className="mb-4">
          <ReadOnlyNotice />
        </div>
      )}
      {setup.completedAt && (
        <p role="status" className="mb-4 rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-900">
          Guided setup completed <Time value={setup.completedAt} />: data flows in dev and prod.
        </p>
      )}
      {change.error && (
        <p role="alert" className="mb-4 text-sm text-red-700">
          {change.error.message}
        </p>
      )}
      <EnvTabs tab={tab} onChange={selectTab} progress={progress} />
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="space-y-4">
        {tab === "dev" ? (
          <>
            <ReviewStep useCase={useCase} setup={setup} canEdit={canEdit} onChangeUseCase={startOver} />
            <DevSourcesStep useCase={useCase} sources={progress.sources.dev} canEdit={canEdit} />
            <DevDestinationsStep
              useCase={useCase}
              sources={progress.sources.dev}
              destinations={progress.destinations.dev}
              canEdit={canEdit}
            />
            <VerifyStep env="dev" number={4} progress={progress} verifiedAt={setup.devVerifiedAt} />
            {devComplete && !setup.completedAt && (
              <NextToProd
                onClick={() => {
                  selectTab("prod");
                  document.getElementById("tab-prod")?.focus();
                }}
              />
            )}
          </>
        ) : (
          <ProdTab setup={setup} progress={progress} canEdit={canEdit} />
        )}
      </div>
      <div className="mt-6">
        <UnifyEngageNote />
      </div>
    </div>
  );
}
