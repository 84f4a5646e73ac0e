import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { EnvironmentsIntro } from "@/components/setup/environments-intro";
import { getUseCase } from "@/lib/catalog/use-cases";
import { loadSetupRow } from "@/lib/use-cases/record";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Dev and prod" };

export default async function EnvironmentsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const access = await pageAccess((await params).workspace);
  const row = await loadSetupRow(access.workspace.id);
  const useCase = row && getUseCase(row.goalId, row.useCaseSlug);
  if (!useCase) redirect(`/${access.workspace.slug}/setup`);
  return <EnvironmentsIntro useCaseName={useCase.name} />;
}
