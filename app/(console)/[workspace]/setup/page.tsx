import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetupWelcome } from "@/components/setup/welcome";
import { setupState } from "@/lib/use-cases/service";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Guided setup" };

/** Guided setup's entry: the welcome before a use case is chosen, else where the owner left off. */
export default async function SetupPage({ params }: { params: Promise<{ workspace: string }> }) {
  const access = await pageAccess((await params).workspace);
  const state = await setupState(access);
  const base = `/${access.workspace.slug}/setup`;
  if (state.setup)
    redirect(state.setup.environmentsAt || !state.canEdit ? `${base}/checklist` : `${base}/environments`);
  return <SetupWelcome slug={access.workspace.slug} fresh={state.fresh} canEdit={state.canEdit} />;
}
