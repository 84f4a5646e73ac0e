"use client";

import Link from "next/link";
import { useWorkspace } from "@/components/console/workspace-context";
import { SourceList } from "@/components/setup/source-list";
import { Note, StepCard } from "@/components/setup/step-card";
import { buttonClass } from "@/components/ui/button";
import { sourceCategoryNote, sourceTypesForUseCaseCategory } from "@/lib/catalog";
import type { UseCase } from "@/lib/catalog/use-cases";
import type { SourceBrief } from "@/lib/use-cases/types";

/** Step 2: the recommended source categories, each one click from the add-source flow preset to dev. */
export function DevSourcesStep({
  useCase,
  sources,
  canEdit,
}: {
  useCase: UseCase;
  sources: SourceBrief[];
  canEdit: boolean;
}) {
  const ws = useWorkspace();
  const returnTo = `/${ws.slug}/setup/checklist`;
  const addSource = (params: Record<string, string>) =>
    `/${ws.slug}/sources/new?${new URLSearchParams({ environment: "dev", ...params, returnTo })}`;
  return (
    <StepCard id="dev-sources" number={2} title="Connect dev sources" done={sources.length > 0}>
      <p className="text-slate-600">Recommended sources for {useCase.name}:</p>
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
        {useCase.sources.map((category) => {
          const types = sourceTypesForUseCaseCategory(category);
          const note = sourceCategoryNote(category);
          return (
            <li key={category} className="flex flex-wrap items-start justify-between gap-3 px-4 py-3">
              <div className="min-w-0 flex-1">
                <p className="font-medium text-slate-900">{category}</p>
                <p className="text-xs text-slate-500">
                  {types.length ? types.map((t) => t.name).join(", ") : "Not available in Switchyard"}
                </p>
                {note && <p className="mt-1 text-xs text-slate-600">{note.note}</p>}
              </div>
              {canEdit && types.length > 0 && (
                <Link
                  aria-label={`Connect ${category} source`}
                  className={buttonClass("secondary", "sm")}
                  href={addSource(
                    types.length === 1
                      ? { type: types[0]!.id, category: types[0]!.category }
                      : { category: types[0]!.category },
                  )}
                >
                  Connect
                </Link>
              )}
              {canEdit && !types.length && note?.alternatives[0] && (
                <Link
                  className={buttonClass("secondary", "sm")}
                  href={addSource({ type: note.alternatives[0].id, category: note.alternatives[0].category })}
                >
                  Use {note.alternatives[0].name} instead
                </Link>
              )}
            </li>
          );
        })}
      </ul>
      <SourceList env="dev" sources={sources} />
      {canEdit && sources.length > 0 && (
        <Link className={buttonClass("secondary", "sm")} href={addSource({})}>
          Connect more
        </Link>
      )}
      {!sources.length && <Note>No source labelled dev yet.</Note>}
    </StepCard>
  );
}
