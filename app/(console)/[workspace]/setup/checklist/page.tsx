import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Checklist } from "@/components/setup/checklist";
import { setupState } from "@/lib/use-cases/service";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Setup checklist" };

export default async function ChecklistPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<{ tab?: string }>;
}) {
  const access = await pageAccess((await params).workspace);
  const state = await setupState(access);
  if (!state.setup) redirect(`/${access.workspace.slug}/setup`);
  const tab = (await searchParams).tab === "prod" ? "prod" : "dev";
  return <Checklist initial={state} initialTab={tab} />;
}
