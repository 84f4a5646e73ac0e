import type { Metadata } from "next";
import { Forbidden } from "@/components/console/forbidden";
import { WorkspaceSettings } from "@/components/settings/workspace-settings";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const access = await pageAccess((await params).workspace);
  if (!access.can("workspace.update"))
    return (
      <Forbidden
        page="workspace Settings"
        action="workspace.update"
        role={access.role}
        workspace={access.workspace.slug}
      />
    );
  return <WorkspaceSettings />;
}
