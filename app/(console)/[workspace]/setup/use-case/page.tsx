import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { UseCasePicker } from "@/components/setup/use-case-picker";
import { getBusinessGoal } from "@/lib/catalog/use-cases";
import { loadSetupRow } from "@/lib/use-cases/record";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Choose a use case" };

export default async function UseCasePage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<{ goal?: string }>;
}) {
  const access = await pageAccess((await params).workspace);
  const base = `/${access.workspace.slug}/setup`;
  if (await loadSetupRow(access.workspace.id)) redirect(`${base}/checklist`);
  const goal = getBusinessGoal((await searchParams).goal ?? "");
  if (!goal) redirect(`${base}/goal`);
  return <UseCasePicker goalId={goal.id} />;
}
