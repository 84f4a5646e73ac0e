"use client";

import { useRouter } from "next/navigation";
import { useWorkspace } from "@/components/console/workspace-context";
import { useAcknowledgeEnvironments } from "@/components/setup/use-setup";
import { WizardFrame } from "@/components/setup/wizard-frame";
import { EnvironmentBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";

/** Why setup starts in dev: read once, then on to the checklist. */
export function EnvironmentsIntro({ useCaseName }: { useCaseName: string }) {
  const ws = useWorkspace();
  const router = useRouter();
  const canEdit = ws.can("setup.write");
  const ack = useAcknowledgeEnvironments();
  const next = () => router.push(`/${ws.slug}/setup/checklist`);
  return (
    <WizardFrame
      stage={2}
      title="Work in dev first, then publish to prod"
      description={`${useCaseName}: before any live data flows, you will prove the setup in a development environment.`}
      canEdit={canEdit}
    >
      <div className="grid gap-4 md:grid-cols-2">
        <section className="rounded-lg border border-slate-200 bg-white p-5">
          <h2 className="flex items-center gap-2 text-sm font-semibold">
            <EnvironmentBadge label="dev" /> Development
          </h2>
          <p className="mt-2 text-sm text-slate-600">
            The sources you connect during setup are labelled <code>dev</code>. Send test events from your
            development or staging build, watch them arrive, and check your destinations receive them. Test
            data never reaches the tools your business runs on.
          </p>
        </section>
        <section className="rounded-lg border border-slate-200 bg-white p-5">
          <h2 className="flex items-center gap-2 text-sm font-semibold">
            <EnvironmentBadge label="prod" /> Production
          </h2>
          <p className="mt-2 text-sm text-slate-600">
            When dev works, guided setup copies each source to a new source labelled <code>prod</code>, with
            its own write key, and each destination to one that receives from it. Double-check which write key
            your production build uses.
          </p>
        </section>
      </div>
      <p className="mt-4 text-sm text-slate-600">
        Environment labels also scope access: a Source Admin can be limited to <code>dev</code> sources.
      </p>
      {ack.error && (
        <p role="alert" className="mt-4 rounded-md bg-red-50 p-2 text-sm text-red-700">
          {ack.error.message}
        </p>
      )}
      <div className="mt-6 flex justify-end">
        {canEdit ? (
          <Button pending={ack.isPending} onClick={() => ack.mutate(undefined, { onSuccess: next })}>
            Next
          </Button>
        ) : null}
      </div>
    </WizardFrame>
  );
}
