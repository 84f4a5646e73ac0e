"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { ChoiceCard } from "@/components/setup/choice-card";
import { useChooseUseCase } from "@/components/setup/use-setup";
import { WizardFrame } from "@/components/setup/wizard-frame";
import { Button, buttonClass } from "@/components/ui/button";
import { getBusinessGoal } from "@/lib/catalog/use-cases";

/** "Which use case would you like to set up?" for one goal; Next stores the choice. */
export function UseCasePicker({ goalId }: { goalId: string }) {
  const ws = useWorkspace();
  const router = useRouter();
  const canEdit = ws.can("setup.write");
  const goal = getBusinessGoal(goalId)!;
  const [slug, setSlug] = useState("");
  const choose = useChooseUseCase();
  return (
    <WizardFrame
      stage={1}
      title="Which use case would you like to set up?"
      description={
        <>
          For <strong>{goal.name}</strong>. A workspace follows one use case; you can change it until you have
          reviewed its suggested events.
        </>
      }
      canEdit={canEdit}
    >
      <fieldset>
        <legend className="sr-only">Use case</legend>
        <div className="space-y-3">
          {goal.useCases.map((u) => (
            <ChoiceCard
              key={u.slug}
              name="use-case"
              value={u.slug}
              checked={slug === u.slug}
              disabled={!canEdit}
              onChange={setSlug}
              title={u.name}
            >
              {u.description}
              <span className="mt-2 block text-xs text-slate-500">
                Events: {u.events.map((e) => e.event).join(", ")} · Sources: {u.sources.join(", ")} ·
                Destinations: {u.destinations.join(", ")}
              </span>
            </ChoiceCard>
          ))}
        </div>
      </fieldset>
      {choose.error && (
        <p role="alert" className="mt-4 rounded-md bg-red-50 p-2 text-sm text-red-700">
          {choose.error.message}
        </p>
      )}
      <div className="mt-6 flex justify-between">
        <Link href={`/${ws.slug}/setup/goal?goal=${goal.id}`} className={buttonClass("secondary")}>
          Back
        </Link>
        {canEdit && (
          <Button
            disabled={!slug}
            pending={choose.isPending}
            onClick={() =>
              choose.mutate(
                { goalId: goal.id, useCaseSlug: slug },
                { onSuccess: () => router.push(`/${ws.slug}/setup/environments`) },
              )
            }
          >
            Next
          </Button>
        )}
      </div>
    </WizardFrame>
  );
}
