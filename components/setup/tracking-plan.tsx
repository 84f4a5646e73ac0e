"use client";

import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { CopyButton } from "@/components/ui/copy-button";
import { SelectField } from "@/components/ui/field";
import { ScrollablePre } from "@/components/ui/scrollable-pre";
import type { UseCaseEvent } from "@/lib/catalog/use-cases";
import { DEFAULT_LIBRARY, TRACKING_PLAN_LIBRARIES, trackingPlanSnippet } from "@/lib/use-cases/snippets";

/** The suggested events as code for the chosen library. Read-only viewers get the code, no controls. */
export function TrackingPlan({
  events,
  library,
  onLibrary,
  interactive,
}: {
  events: readonly UseCaseEvent[];
  library: string | null;
  onLibrary?: (id: string) => void;
  interactive: boolean;
}) {
  const ws = useWorkspace();
  const [chosen, setChosen] = useState(library ?? DEFAULT_LIBRARY);
  const snippet = trackingPlanSnippet(chosen, events, { publicUrl: ws.publicUrl });
  return (
    <div className="space-y-2">
      {interactive && (
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="w-full sm:w-64">
            <SelectField
              label="Tracking library"
              value={chosen}
              onChange={(e) => {
                setChosen(e.target.value);
                onLibrary?.(e.target.value);
              }}
            >
              {TRACKING_PLAN_LIBRARIES.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </SelectField>
          </div>
          <CopyButton value={snippet.code} label="Copy tracking plan" />
        </div>
      )}
      <ScrollablePre
        data-testid="tracking-plan"
        className="max-h-80 overflow-auto rounded-md bg-code p-4 font-mono text-xs leading-relaxed text-code-foreground"
      >
        <code>{snippet.code}</code>
      </ScrollablePre>
    </div>
  );
}
