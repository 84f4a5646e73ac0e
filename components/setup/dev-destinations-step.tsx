"use client";

import Link from "next/link";
import { useWorkspace } from "@/components/console/workspace-context";
import { DestinationList } from "@/components/setup/destination-list";
import { Note, StepCard } from "@/components/setup/step-card";
import { buttonClass } from "@/components/ui/button";
import { destinationTypesInCategory } from "@/lib/catalog";
import type { UseCase } from "@/lib/catalog/use-cases";
import type { DestinationBrief, SourceBrief } from "@/lib/use-cases/types";

/** Step 3: the recommended destination categories; Connect opens the catalog on that category. */
export function DevDestinationsStep({
  useCase,
  sources,
  destinations,
  canEdit,
}: {
  useCase: UseCase;
  sources: SourceBrief[];
  destinations: DestinationBrief[];
  canEdit: boolean;
}) {
  const ws = useWorkspace();
  const returnTo = `/${ws.slug}/setup/checklist`;
  // With one dev source the choice is obvious; with several the owner ticks them in the form.
  const source: Record<string, string> = sources.length === 1 ? { source: sources[0]!.id } : {};
  const addDestination = (params: Record<string, string>) =>
    `/${ws.slug}/destinations/new?${new URLSearchParams({ ...params, ...source, returnTo })}`;
  const done = destinations.some((d) => d.enabled);
  return (
    <StepCard id="dev-destinations" number={3} title="Connect dev destinations" done={done}>
      <p className="text-slate-600">Recommended destination categories for {useCase.name}:</p>
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
        {useCase.destinations.map((category) => (
          <li key={category} className="flex flex-wrap items-start justify-between gap-3 px-4 py-3">
            <div className="min-w-0 flex-1">
              <p className="font-medium text-slate-900">{category}</p>
              <p className="text-xs text-slate-500">
                {destinationTypesInCategory(category)
                  .map((t) => t.name)
                  .join(", ")}
              </p>
            </div>
            {canEdit && sources.length > 0 && (
              <Link
                aria-label={`Connect ${category} destination`}
                className={buttonClass("secondary", "sm")}
                href={addDestination({ category })}
              >
                Connect
              </Link>
            )}
          </li>
        ))}
      </ul>
      {!sources.length && (
        <Note>Connect a dev source first: a destination receives events from sources.</Note>
      )}
      <DestinationList env="dev" destinations={destinations} />
      {canEdit && sources.length > 0 && (
        <Link className={buttonClass("secondary", "sm")} href={addDestination({})}>
          Connect more
        </Link>
      )}
      {destinations.length > 0 && !done && (
        <Note>This step is done when at least one dev destination is enabled.</Note>
      )}
    </StepCard>
  );
}
