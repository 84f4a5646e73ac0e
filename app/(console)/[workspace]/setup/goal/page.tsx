import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { GoalPicker } from "@/components/setup/goal-picker";
import { loadSetupRow } from "@/lib/use-cases/record";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Choose a business goal" };

export default async function GoalPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<{ goal?: string }>;
}) {
  const access = await pageAccess((await params).workspace);
  // Once chosen, the use case is changed from the checklist ("Change use case"), not by coming back here.
  if (await loadSetupRow(access.workspace.id)) redirect(`/${access.workspace.slug}/setup/checklist`);
  return <GoalPicker initialGoal={(await searchParams).goal} />;
}
