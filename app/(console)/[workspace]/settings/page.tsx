import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { WorkspaceSettings } from "@/components/settings/workspace-settings";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const access = await pageAccess((await params).workspace);
  if (!access.can("workspace.update")) notFound();
  return <WorkspaceSettings />;
}
