"use client";

import { useRouter } from "next/navigation";
import { useWorkspace } from "@/components/console/workspace-context";
import { usePlanMutations } from "@/components/protocols/use-protocols";
import { Button } from "@/components/ui/button";

/** One click from a guided-setup use case to a tracking plan holding its suggested events. */
export function PlanFromUseCase({
  goalId,
  useCaseSlug,
  name,
}: {
  goalId: string;
  useCaseSlug: string;
  name: string;
}) {
  const ws = useWorkspace();
  const router = useRouter();
  const { create } = usePlanMutations();
  if (!ws.can("sources.write")) return null;
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button
        variant="secondary"
        size="sm"
        pending={create.isPending}
        onClick={async () => {
          const stamp = new Date().toISOString().slice(0, 16).replace("T", " ");
          const created = await create
            .mutateAsync({ name: `${name} (${stamp})`, fromUseCase: `${goalId}/${useCaseSlug}` })
            .catch(() => null);
          if (created) router.push(`/${ws.slug}/tracking-plans/${created.plan.id}`);
        }}
      >
        Create a tracking plan from these events
      </Button>
      {create.error && (
        <span role="alert" className="text-sm text-red-700">
          {create.error.message}
        </span>
      )}
    </span>
  );
}
