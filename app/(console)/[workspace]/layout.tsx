import type { ReactNode } from "react";
import { Sidebar } from "@/components/console/sidebar";
import { WorkspaceProvider } from "@/components/console/workspace-context";
import { env } from "@/lib/env";
import { ACTIONS } from "@/lib/rbac/permissions";
import { pageAccess } from "@/lib/workspaces/page-access";
import { userWorkspaces } from "@/lib/workspaces/service";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ workspace: string }>;
}) {
  const { workspace } = await params;
  const access = await pageAccess(workspace);
  const workspaces = await userWorkspaces(access.user.id);
  return (
    <WorkspaceProvider
      value={{
        ...access.workspace,
        role: access.role,
        actions: ACTIONS.filter((a) => access.can(a)),
        labels: access.labels ? [...access.labels] : null,
        user: access.user,
        publicUrl: env().PUBLIC_URL,
      }}
    >
      <div className="flex min-h-full flex-col lg:flex-row">
        <Sidebar workspaces={workspaces} />
        <main id="console-main" className="min-w-0 flex-1 px-4 py-5 sm:px-6 lg:px-8 lg:py-6">
          {children}
        </main>
      </div>
    </WorkspaceProvider>
  );
}
