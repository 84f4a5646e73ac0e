"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { ChoiceCard } from "@/components/setup/choice-card";
import { WizardFrame } from "@/components/setup/wizard-frame";
import { Button } from "@/components/ui/button";
import { businessGoals } from "@/lib/catalog/use-cases";

/** "What is your business goal?": the four goals with the questions that point to each. */
export function GoalPicker({ initialGoal }: { initialGoal?: string }) {
  const ws = useWorkspace();
  const router = useRouter();
  const canEdit = ws.can("setup.write");
  const [goal, setGoal] = useState(initialGoal ?? "");
  return (
    <WizardFrame
      stage={0}
      title="What is your business goal?"
      description="Pick the goal closest to your most pressing need; you can grow from there later."
      canEdit={canEdit}
    >
      <fieldset>
        <legend className="sr-only">Business goal</legend>
        <div className="grid gap-3 md:grid-cols-2">
          {businessGoals().map((g) => (
            <ChoiceCard
              key={g.id}
              name="goal"
              value={g.id}
              checked={goal === g.id}
              disabled={!canEdit}
              onChange={setGoal}
              title={g.name}
            >
              {g.description}
              <span className="mt-3 block text-xs font-medium uppercase tracking-wide text-slate-500">
                Key considerations
              </span>
              <span className="mt-1 block space-y-1 text-slate-700">
                {g.keyConsiderations.map((k) => (
                  <span key={k} className="block">
                    • {k}
                  </span>
                ))}
              </span>
            </ChoiceCard>
          ))}
        </div>
      </fieldset>
      {canEdit && (
        <div className="mt-6 flex justify-end">
          <Button
            disabled={!goal}
            onClick={() => router.push(`/${ws.slug}/setup/use-case?goal=${encodeURIComponent(goal)}`)}
          >
            Next
          </Button>
        </div>
      )}
    </WizardFrame>
  );
}
